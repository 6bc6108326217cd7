"""The few HTTP calls a bench makes itself (a token, a check that a stub matches), with timeouts."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

__all__ = ["DEMO_FORM", "fetch_token", "status_of"]

TIMEOUT_S = 10
DEMO_FORM = {"username": "demo", "password": "demo-password"}


def fetch_token(token_url: str, form: Mapping[str, str] = DEMO_FORM) -> str:
    body = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(token_url, data=body, method="POST")  # noqa: S310 - our loopback URL
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
        return str(json.load(response)["access_token"])


def status_of(url: str, headers: Mapping[str, str] | None = None) -> int:
    """The status a GET is answered with, error statuses included."""
    request = urllib.request.Request(url, headers=dict(headers or {}))  # noqa: S310 - our loopback URL
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
