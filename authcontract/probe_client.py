"""The HTTP client of `compare`: a timeout on every call, no retry, and every answer kept as a fact.

The contract suite's client refuses some answers (429, 503...) as no verdict; for a comparison
they are exactly what is worth seeing, so `compare` has this one. Tokens in answers are registered
for redaction, and a transport failure is one redacted line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests

__all__ = ["ProbeClient", "Unreachable"]

TOKEN_FIELDS = frozenset({"access_token", "refresh_token", "id_token", "token"})


class Unreachable(Exception):
    """No HTTP answer at all; the message names the request, redacted."""


def _register_tokens(response: requests.Response, *_args: Any, **_kwargs: Any) -> requests.Response:
    from contract_tests.redaction import register

    try:
        body = json.loads(response.content) if response.content else None
    except (ValueError, UnicodeDecodeError):
        return response
    if isinstance(body, dict):
        for key, value in body.items():
            if key.lower() in TOKEN_FIELDS and isinstance(value, str):
                register(value)
    return response


class ProbeClient:
    """Requests to one target, shaped like the suite's client so that its Login can use it."""

    def __init__(self, base_url: str, *, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "authcontract-compare"
        self.session.hooks["response"].append(_register_tokens)

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
        from contract_tests.redaction import redact

        url = self.base_url + path
        try:
            return self.session.request(
                method, url, headers=dict(headers or {}), params=params, data=data, json=json_body,
                timeout=self.timeout, allow_redirects=False,
            )  # fmt: skip
        except requests.RequestException as exc:
            raise Unreachable(redact(f"{method} {url} failed: {type(exc).__name__}")) from None

    def get(self, path: str, *, auth: str | None = None) -> requests.Response:
        return self.request("GET", path, headers={"Authorization": auth} if auth is not None else None)

    def close(self) -> None:
        self.session.close()
