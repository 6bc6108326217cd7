"""The suite's HTTP client: a requests.Session where every call has a timeout and secrets stay masked.

Only transport errors (no connection, a timeout) are retried, a bounded number of times: a
retried login is one more attempt against a real account, so the bound stays small. A transport
failure surfaces as TargetUnreachable with a redacted one-line reason, never as the requests
exception, whose text holds the full URL (and with it the query-string credentials).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from typing import Any

import requests

from .redaction import Secret, redact, register

__all__ = ["ContractClient", "TargetUnreachable", "authorization"]

RETRIES = 1
BACKOFF_SECONDS = 0.2
_TOKEN_FIELDS = frozenset({"access_token", "refresh_token", "id_token", "token"})
_MAX_SCANNED_BODY = 1 << 20
_ERRNO = re.compile(r"\[Errno -?\d+\][^'\")]*")


class TargetUnreachable(Exception):
    """The target did not answer at the transport level; the message is redacted and one line."""


def authorization(token: Secret | str, scheme: str = "Bearer") -> str:
    """An Authorization header value; `scheme` alone (no token) when the token is empty."""
    value = token.reveal() if isinstance(token, Secret) else token
    return f"{scheme} {value}" if value else scheme


def register_tokens(response: requests.Response, *_args: Any, **_kwargs: Any) -> requests.Response:
    """Response hook: every token a target hands out is a secret from then on."""
    body = response.content if len(response.content) <= _MAX_SCANNED_BODY else b""
    try:
        data = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return response
    if isinstance(data, dict):
        for key, value in data.items():
            if key.lower() in _TOKEN_FIELDS and isinstance(value, str):
                register(value)
    return response


class ContractClient:
    """Requests to one target. `session` is shared with schemathesis, so its hook sees every answer."""

    def __init__(self, base_url: str, *, timeout: float, retries: int = RETRIES) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "authcontract-contract-suite"
        self.session.hooks["response"].append(register_tokens)

    def url(self, path: str) -> str:
        return self.base_url + path

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        json_body: Mapping[str, str] | None = None,
    ) -> requests.Response:
        url = self.url(path)
        for attempt in range(self.retries + 1):
            try:
                return self.session.request(
                    method,
                    url,
                    headers=dict(headers or {}),
                    params=params,
                    data=data,
                    json=json_body,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt == self.retries:
                    raise TargetUnreachable(f"{method} {redact(url)} failed: {short_reason(exc)}") from None
                time.sleep(BACKOFF_SECONDS * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def get(self, path: str, *, auth: str | None = None) -> requests.Response:
        return self.request("GET", path, headers={"Authorization": auth} if auth is not None else None)

    def close(self) -> None:
        self.session.close()


def short_reason(exc: BaseException) -> str:
    """`ConnectionError: [Errno 111] Connection refused` rather than urllib3's paragraph."""
    text = str(exc)
    found = _ERRNO.search(text)
    reason = found.group(0).strip() if found else text[:200]
    return redact(f"{type(exc).__name__}: {reason}")
