"""The HTTP client of `compare`: a timeout on every call, no retry, and every answer kept as a fact.

Every exchange keeps the suite's limits (contract_tests/limits.py): an overall deadline and a cap
on the decoded body; an answer past either is Unreachable, naming the limit.

The contract suite's client refuses some answers (429, 503...) as no verdict; for a comparison
they are exactly what is worth seeing, so `compare` has this one. Tokens in answers are registered
for redaction, and a transport failure is one redacted line.
"""

from __future__ import annotations

from collections.abc import Mapping

import requests

from contract_tests.client import register_tokens
from contract_tests.limits import ExchangeLimit, mount_limits

__all__ = ["ProbeClient", "Unreachable"]


class Unreachable(Exception):
    """No HTTP answer at all; the message names the request, redacted."""


class ProbeClient:
    """Requests to one target, shaped like the suite's client so that its Login can use it."""

    def __init__(self, base_url: str, *, timeout: float, verify: bool | str = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.verify = verify  # per request: a Session's verify loses to REQUESTS_CA_BUNDLE
        self.session = mount_limits(requests.Session())
        self.session.headers["User-Agent"] = "authcontract-compare"
        self.session.hooks["response"].append(register_tokens)  # the suite's: tokens become secrets

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
                timeout=self.timeout, verify=self.verify, allow_redirects=False,
            )  # fmt: skip
        except ExchangeLimit as exc:
            raise Unreachable(
                redact(f"no comparison: the platform's answer broke a limit: {exc}: {method} {url}")
            ) from None
        except requests.RequestException as exc:
            raise Unreachable(redact(f"{method} {url} failed: {type(exc).__name__}")) from None

    def get(self, path: str, *, auth: str | None = None) -> requests.Response:
        return self.request("GET", path, headers={"Authorization": auth} if auth is not None else None)

    def close(self) -> None:
        self.session.close()
