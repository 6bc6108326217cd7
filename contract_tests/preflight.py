"""Before any verdict: is the target reachable, and do the user's own settings work on it?

One login with the configured credentials, and one GET of the protected path with the token it
gave. Where the answers point at a mistake in the settings rather than at the platform, the run
stops with one line naming the platform's answer and the setting (flag and variable) to look at:

- no answer at all: the base URL;
- a certificate the suite cannot trust (an unknown or self-signed CA; a certificate for another
  host name): the CA bundle (and, for a host name, the base URL), with the reason;
- the login answered 3xx, 404 or 405: the base URL or the token path;
- the login refused with `unsupported_grant_type`, `invalid_client` or `unauthorized_client`: the
  extra token parameters; `invalid_request`: those or where the credentials go; a 415: where the
  credentials go; any other 4xx (`invalid_grant`...): the username and password;
- the protected path answered 404 or 405 to the fresh token: the protected path;
- an answer that broke a limit (limits.py: not complete within the deadline, a body past the cap):
  that limit, before any check (a platform answering so would cost each check the whole deadline).

Anything else is the platform's to answer for, and the checks judge it: a 5xx, a 2xx without a
usable token, a fresh token refused with 401 on a path that exists. An answer that is no verdict
(429, 502, 503, 504) is no settings mistake either, nor is a login that fails at the transport
level on a target that answers on its protected path: the login's checks report that target error
(kept, the login is not sent again for them).
`authcontract check` and `authcontract compare` run this same pre-flight, so they agree.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import requests

from .checks import ContractViolation, json_body, status_text
from .client import (
    ContractClient,
    TargetError,
    TargetOverLimit,
    TargetUnavailable,
    TargetUnreachable,
    authorization,
)
from .demo import MOCK_PROTECTED_PATH, demo_user
from .login import Issued, Login, announced_lifetime, token_of
from .options import hint
from .redaction import keep, redact, say
from .settings import ContractSettings

__all__ = ["SETTING", "Preflight", "SettingsMistake", "check_live_settings", "preflight"]

# How each setting the pre-flight may blame is given (flag and variable), from the one table
SETTING = {
    **{name: hint(name) for name in ("base_url", "token_path", "credentials_in", "token_params")},
    "credentials": hint("username", "password"),
    **{name: hint(name) for name in ("protected_path", "ca_bundle")},
}
PARAMS_ERRORS = frozenset({"unsupported_grant_type", "invalid_client", "unauthorized_client"})
DESCRIPTION_LIMIT = 80
Wanted = TypeVar("Wanted", bound=BaseException)


class SettingsMistake(Exception):
    """The run cannot reach a verdict with these settings (or on an answer past a limit); the message
    is one redacted line."""


@dataclass(frozen=True)
class Preflight:
    """What the pre-flight got, for the checks to reuse: the login's answer and its token, if usable."""

    login_reply: requests.Response | None
    issued: Issued | None
    login_error: TargetError | None = None  # the login met a target error: its checks report it


def preflight(
    client: ContractClient, login: Login, protected_path: str, now: Callable[[], float]
) -> Preflight:
    """Log in and open the protected path once; raise SettingsMistake where the settings are to blame."""
    try:
        sent_at = now()
        try:
            reply = login.send(client)
        except TargetUnavailable as exc:
            return Preflight(None, None, exc)
        except TargetOverLimit:
            raise
        except TargetUnreachable as exc:
            _refuse_untrusted(exc)
            _require_an_answer(client, protected_path, exc)
            return Preflight(None, None, exc)
        received_at = now()
        _judge_login(reply)
        issued = _usable(reply, sent_at, received_at)
        if issued is not None:
            try:
                opened = client.get(protected_path, auth=authorization(issued.token))
            except TargetUnavailable:
                return Preflight(reply, issued)
            if opened.status_code in (404, 405):
                raise _mistake(
                    "the protected path was not found",
                    opened,
                    "to a fresh token",
                    ["protected_path"],
                )
        return Preflight(reply, issued)
    except TargetOverLimit as exc:
        raise SettingsMistake(str(exc)) from None
    except TargetUnreachable as exc:
        _refuse_untrusted(exc)
        check = keep(f"check {SETTING['base_url']}")
        raise SettingsMistake(redact(f"{exc}; {check}")) from None


def _refuse_untrusted(failure: TargetUnreachable) -> None:
    """A transport error that is a certificate the suite cannot trust: a SettingsMistake naming the CA
    bundle and the reason, e.g. `certificate verify failed: unable to get local issuer certificate`.

    The transport raises TargetUnreachable `from None` (its own text is one redacted line), so the
    requests SSLError is found on the context chain; it is never retried (transport.NOT_RETRIED).
    """
    error = _chained(failure, requests.exceptions.SSLError)
    verification = _chained(error, ssl.SSLCertVerificationError) if error is not None else None
    if error is None or verification is None:
        return
    reason = (verification.verify_message or str(verification.reason or "")).rstrip(".")
    settings = ["ca_bundle", "base_url"] if "mismatch" in reason else ["ca_bundle"]  # Hostname, IP address
    request = error.request
    sent = f" on {request.method} {request.url}" if isinstance(request, requests.PreparedRequest) else ""
    check = " and ".join(SETTING[name] for name in settings)
    # the reason before the URL: "…/authorization: certificate verify" would read as a header to mask
    line = f"the target's certificate is not trusted (certificate verify failed: {reason}){sent}"
    raise SettingsMistake(redact(f"{line}; check {check}"))


def _chained(error: BaseException, wanted: type[Wanted]) -> Wanted | None:
    """The first exception of type `wanted` among `error`, its context and causes, and their reasons and
    arguments (urllib3 wraps an ssl error as MaxRetryError(reason=SSLError(SSLCertVerificationError)))."""
    pending: list[BaseException] = [error]
    seen: set[int] = set()
    while pending and len(seen) < 32:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, wanted):
            return current
        inner = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        pending += [item for item in inner if isinstance(item, BaseException)]
    return None


def _require_an_answer(client: ContractClient, protected_path: str, failure: TargetUnreachable) -> None:
    """A login that failed at the transport level: does the target answer anything at all? Once,
    without retries (the login's attempts were the retries). If not, `failure` is the reason."""
    probe = ContractClient(client.base_url, timeout=client.timeout, retries=0, verify=client.verify)
    try:
        probe.get(protected_path)
    except TargetUnavailable:
        return
    except TargetUnreachable:
        raise failure from None
    finally:
        probe.close()


def _judge_login(reply: requests.Response) -> None:
    status = reply.status_code
    if 300 <= status < 400 or status in (404, 405):
        where = reply.headers.get("Location")
        moved = f" (Location: {where[:120]})" if 300 <= status < 400 and where else ""
        raise _mistake(
            "the token endpoint was not found", reply, moved, ["base_url", "token_path"], with_error=False
        )
    if not 400 <= status < 500:
        return
    error = _error_code(reply)
    if status == 415:
        settings = ["credentials_in"]
    elif error in PARAMS_ERRORS:
        settings = ["token_params"]
    elif error == "invalid_request":
        settings = ["token_params", "credentials_in"]
    else:
        settings = ["credentials"]
    raise _mistake("the configured login was refused", reply, "", settings)


def _usable(reply: requests.Response, sent_at: float, received_at: float) -> Issued | None:
    """The login's token where the checks can use it; where they cannot, they say why themselves."""
    try:
        token = token_of(reply)
    except ContractViolation:
        return None
    return Issued(token, announced_lifetime(json_body(reply)), sent_at, received_at)


def _error_code(reply: requests.Response) -> str | None:
    body = json_body(reply)
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, str) else None


def _answer(reply: requests.Response, with_error: bool) -> str:
    """`400 Bad Request, error=invalid_grant ("…")`: the status and the error, short and redacted."""
    text = status_text(reply)
    body = json_body(reply)
    error = _error_code(reply) if with_error else None
    if error:
        text += f", error={error[:40]}"
        description = body.get("error_description") if isinstance(body, dict) else None
        if isinstance(description, str) and description:
            short = " ".join(description.split())
            text += f' ("{short[:DESCRIPTION_LIMIT]}{"…" if len(short) > DESCRIPTION_LIMIT else ""}")'
    return text


def _mistake(
    what: str, reply: requests.Response, context: str, settings: list[str], *, with_error: bool = True
) -> SettingsMistake:
    request = reply.request
    check = " and ".join(SETTING[name] for name in settings)
    keep(what)  # the tool's words: a password that spells "login" leaves them whole
    keep(f"check {check}")
    line = say(
        "{what}: {method} {url} answered {answer}",
        what=what,
        method=request.method,
        url=request.url,
        answer=_answer(reply, with_error),
    )
    line += f" {redact(context.strip())}" if context.strip() else ""
    return SettingsMistake(" ".join(f"{line}; check {check}".split()))


def check_live_settings(
    settings: ContractSettings, now: Callable[[], float] = time.monotonic, *, base_url: str | None = None
) -> Preflight:
    """The pre-flight of a target, on a client of its own: what `check`, `compare` and `load` run first.
    The target is the settings' live one, or `base_url` (the bundled mock, served: its demo user)."""
    url = base_url or settings.base_url
    username, password = settings.username, settings.password
    if url is None or (settings.is_live and (username is None or password is None)):
        raise ValueError("the pre-flight of a live target needs its base URL and credentials")
    if username is None or password is None:
        username, password = demo_user()
    login = Login(settings.token_path, settings.credentials_in, settings.token_params, username, password)
    client = ContractClient(url, timeout=settings.timeout, verify=settings.verify)
    try:
        return preflight(client, login, settings.protected_path or MOCK_PROTECTED_PATH, now)
    finally:
        client.close()
