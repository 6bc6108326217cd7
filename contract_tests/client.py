"""The suite's HTTP client: a requests.Session where every call has a timeout and secrets stay masked.

The session is transport.py's ContractSession: transport errors are retried a bounded number of
times, and an exchange that is no answer to judge (a lasting transport error; a 429, 502, 503 or
504; an answer too slow all told or too large, see limits.py) is raised as a TargetError with one
redacted line. Every token a target hands out is
registered as a secret as soon as it arrives.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests

from .redaction import Secret, register
from .transport import (
    RETRIES,
    ContractSession,
    TargetError,
    TargetOverLimit,
    TargetUnavailable,
    TargetUnreachable,
)

__all__ = [
    "RETRIES",
    "ContractClient",
    "TargetError",
    "TargetOverLimit",
    "TargetUnavailable",
    "TargetUnreachable",
    "authorization",
    "register_tokens",
]

_TOKEN_FIELDS = frozenset({"access_token", "refresh_token", "id_token", "token"})
_MAX_SCANNED_BODY = 1 << 20


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
    """Requests to one target. `session` is shared with schemathesis, so it handles every exchange.

    `verify` (a CA bundle's path, or True) goes with every request rather than on the session: a
    Session's `verify` loses to the REQUESTS_CA_BUNDLE variable, a request's does not.
    """

    def __init__(
        self, base_url: str, *, timeout: float, retries: int = RETRIES, verify: bool | str = True
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.verify = verify
        self.session = ContractSession(retries)
        self.session.headers["User-Agent"] = "authcontract-contract-suite"
        self.session.hooks["response"].append(register_tokens)

    @property
    def retries(self) -> int:
        return self.session.retries

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
        return self.session.request(
            method,
            self.url(path),
            headers=dict(headers or {}),
            params=params,
            data=data,
            json=json_body,
            timeout=self.timeout,
            verify=self.verify,
            allow_redirects=False,
        )

    def get(self, path: str, *, auth: str | None = None) -> requests.Response:
        return self.request("GET", path, headers={"Authorization": auth} if auth is not None else None)

    def close(self) -> None:
        self.session.close()
