"""What one exchange with the target is worth: an answer to judge, or a target error, never a wrong verdict.

Every request, the suite's own and schemathesis's (they share the session), goes through
`ContractSession.send`, the one place that decides it:

- A transport error (no connection, a reset, a closed connection with no reply, a timeout, a
  body cut off or undecodable) is retried `RETRIES` times with a short backoff, then raised as
  TargetUnreachable: one redacted line naming the request and the failure, never the requests
  exception, whose text holds the full URL (and with it the query-string credentials). The bound
  stays small: a retried login is one more attempt against a real account.
- An answer that broke a limit of limits.py (not complete within the deadline, a multiple of the
  timeout; a decoded body past the cap) is raised at once as TargetOverLimit, naming the limit: a
  second attempt would cost as much again.
- An HTTP answer is never retried: it is the target's answer. One of `UNAVAILABLE` (429, 502,
  503, 504) is raised as TargetUnavailable, see `refuse_unavailable`; any other status reaches
  the checks, 500 included.
"""

from __future__ import annotations

import re
import time
from http import HTTPStatus
from typing import Any

import requests

from .limits import ExchangeLimit, mount_limits
from .redaction import redact, say

__all__ = [
    "BACKOFF_SECONDS",
    "RETRIES",
    "TRANSPORT_ERRORS",
    "UNAVAILABLE",
    "ContractSession",
    "TargetError",
    "TargetOverLimit",
    "TargetUnavailable",
    "TargetUnreachable",
    "refuse_unavailable",
    "short_reason",
]

RETRIES = 2  # attempts per request: 1 + RETRIES
BACKOFF_SECONDS = 0.2  # before retry n (1, 2, ...): n * BACKOFF_SECONDS
UNAVAILABLE = frozenset({429, 502, 503, 504})
TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
NOT_RETRIED = (requests.exceptions.SSLError,)  # a certificate does not heal in a second
_ERRNO = re.compile(r"\[Errno -?\d+\][^'\")]*")
_POOL = re.compile(r"^\w*ConnectionPool\([^)]*\): ")


class TargetError(Exception):
    """The target gave no answer a check can judge; the message is redacted and one line.

    The suite reports it as a pytest error starting "target error:", never as a contract failure.
    """


class TargetUnreachable(TargetError):
    """A transport error, on every attempt."""


class TargetOverLimit(TargetUnreachable):
    """An answer that broke a limit (limits.py): too slow all told, or too large once decoded."""


class TargetUnavailable(TargetError):
    """An HTTP answer saying the request was not handled: 429, 502, 503 or 504."""


def refuse_unavailable(response: requests.Response) -> None:
    """Raise TargetUnavailable for an answer that is no verdict on any clause of the contract.

    429, 502, 503 and 504 say that the request was not handled (rate limit or lockout, a gateway
    that could not reach the platform, overload or maintenance), so no clause can be judged on them:
    - the checks that need a token or a refusal (login answers a token; a fresh token opens the
      path; no, unknown or expired tokens get 401 with a challenge) would fail on them wrongly;
    - the checks that only forbid an acceptance (another scheme refused, the password not echoed)
      would pass on them wrongly: a 503 is no evidence of a refusal;
    - "Bearer without a token / malformed token: 400 or 401, never 5xx", "bad credentials: a 4xx",
      schemathesis's not_a_server_error: these clauses are about the platform handling bad input
      without breaking. A 500 (or 501, 505...) says its handler broke: a breach, still reported as
      a failure. A 503 on a flaky target says nothing about the input, and a 429 to a wrong password
      is a rate limit, not the judged refusal RFC 6749 §5.2 asks for: no verdict either way.
    A platform that answers 503 to one probe every time is therefore never passed on that clause:
    the run stays inconclusive and names the exchange.
    """
    if response.status_code not in UNAVAILABLE:
        return
    request = response.request
    status = f"{response.status_code} {HTTPStatus(response.status_code).phrase}"
    retry_after = response.headers.get("Retry-After")
    wait = f", Retry-After: {retry_after[:40]}" if retry_after else ""
    raise TargetUnavailable(
        say(
            "the target is unavailable: {status} on {method} {url} "
            "(an answer that is no verdict: not retried; retry later{wait})",
            status=status,
            method=request.method,
            url=request.url,
            wait=wait,
        )
    )


class ContractSession(requests.Session):
    """A Session that retries transport errors a bounded number of times and refuses unavailable
    answers; every exchange keeps limits.py's deadline and body cap."""

    def __init__(self, retries: int = RETRIES, backoff: float | None = None) -> None:
        super().__init__()
        mount_limits(self)
        self.retries = retries
        self.backoff = BACKOFF_SECONDS if backoff is None else backoff

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        attempts = 1 + self.retries
        for attempt in range(1, attempts + 1):
            try:
                response = super().send(request, **kwargs)
                _ = response.content  # read here, streamed or not: a body cut off fails this attempt
            except ExchangeLimit as exc:
                raise TargetOverLimit(
                    say(
                        "the target's answer broke a limit: {exc}: {method} {url}",
                        exc=exc,
                        method=request.method,
                        url=request.url,
                    )
                ) from None
            except TRANSPORT_ERRORS as exc:
                if attempt == attempts or isinstance(exc, NOT_RETRIED):
                    raise TargetUnreachable(
                        say(
                            "the target is unreachable: transport error on {method} {url} after "
                            + ("{attempt} attempts: {reason}" if attempt > 1 else "1 attempt: {reason}"),
                            method=request.method,
                            url=request.url,
                            attempt=attempt,
                            reason=short_reason(exc),
                        )
                    ) from None
                time.sleep(self.backoff * attempt)
                continue
            refuse_unavailable(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover


def short_reason(exc: BaseException) -> str:
    """`ConnectionError: [Errno 104] Connection reset by peer` rather than urllib3's paragraph.

    Without an errno, the innermost cause names the failure: `Remote end closed connection without
    response`, `Read timed out.`, `IncompleteRead(1 bytes read, 1023 more expected)`.
    """
    text = str(exc)
    found = _ERRNO.search(text)
    if found:
        reason = found.group(0).strip()
    else:
        inner = _innermost(exc)
        reason = _POOL.sub("", str(inner) or type(inner).__name__)
    return redact(f"{type(exc).__name__}: {' '.join(reason.split())[:200]}")


def _innermost(exc: BaseException) -> BaseException:
    """Follow urllib3's wrapping: MaxRetryError.reason, ProtocolError(message, cause), requests(cause)."""
    current = exc
    for _ in range(8):
        inner = getattr(current, "reason", None)
        if not isinstance(inner, BaseException):
            inner = next((arg for arg in reversed(current.args) if isinstance(arg, BaseException)), None)
        if inner is None:
            return current
        current = inner
    return current
