"""Logging in: how this target takes credentials, and reading a token out of its answer.

Reading is lenient on purpose. The strict checks of the token response are tests of their own;
the other tests only need a usable token, so a platform that breaks one clause of the response
fails that clause's test and not every test that needs a token.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from .checks import MISSING, ContractViolation, describe, json_body
from .client import ContractClient
from .redaction import Secret, redact

__all__ = ["Issued", "Login", "TokenSource", "announced_lifetime", "issued_token", "token_of"]

_LINE_BREAK = re.compile(r"[\r\n]")


class Sender(Protocol):
    """What a login needs of a client: the suite's ContractClient, compare's ProbeClient, Locust's."""

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        json_body: Mapping[str, str] | None = None,
    ) -> Any: ...


@dataclass(frozen=True)
class Login:
    """The token endpoint of one target: its path, where credentials go, extra parameters."""

    path: str
    credentials_in: str
    params: tuple[tuple[str, str], ...]
    username: Secret
    password: Secret

    def send(
        self,
        client: Sender,
        *,
        username: Secret | None = None,
        password: Secret | None = None,
        method: str = "POST",
        omit: tuple[str, ...] = (),
    ) -> requests.Response:
        """One login; `omit` leaves fields out, to see how a login missing one is refused."""
        fields = {
            **dict(self.params),
            "username": (username or self.username).reveal(),
            "password": (password or self.password).reveal(),
        }
        fields = {name: value for name, value in fields.items() if name not in omit}
        if self.credentials_in == "json":
            return client.request(method, self.path, json_body=fields)
        if self.credentials_in == "query":
            return client.request(method, self.path, params=fields)
        return client.request(method, self.path, data=fields)


@dataclass(frozen=True)
class Issued:
    """A token and when it was asked for and received, by the suite's clock."""

    token: Secret
    expires_in: float | None
    sent_at: float
    received_at: float


def announced_lifetime(body: object) -> float | None:
    """expires_in as a number of seconds if it can serve as one, else None.

    An integer too large for a float is a lifetime like any other, only too long to wait for: infinite.
    """
    value = body.get("expires_in", MISSING) if isinstance(body, dict) else MISSING
    if isinstance(value, bool) or value is MISSING:
        return None
    try:
        seconds = float(value)
    except OverflowError:
        return math.inf if isinstance(value, int) and value > 0 else None
    except (TypeError, ValueError):
        return None
    return seconds if math.isfinite(seconds) and seconds > 0 else None


def token_of(response: requests.Response) -> Secret:
    """The access token of a login answer, or a ContractViolation saying why there is none.

    A token with a line break fails here, in words, rather than in requests as an InvalidHeader: no
    Authorization header can carry it (test_access_token_is_b64token names the breach).
    """
    body = json_body(response)
    token = body.get("access_token") if isinstance(body, dict) else None
    if not 200 <= response.status_code < 300 or not isinstance(token, str) or not token:
        raise ContractViolation(
            redact(f"could not obtain an access token with the configured credentials\n{describe(response)}")
        )
    if _LINE_BREAK.search(token):
        reason = "the access token holds a line break: no Authorization header can carry it"
        raise ContractViolation(redact(f"{reason}\n{describe(response)}"))
    return Secret(token)


def issued_token(login: Login, client: ContractClient, now: Callable[[], float]) -> Issued:
    sent_at = now()
    response = login.send(client)
    received_at = now()
    return Issued(token_of(response), announced_lifetime(json_body(response)), sent_at, received_at)


class TokenSource:
    """A token young enough to be valid: the last one, or a new login once half its life is gone.

    Sharing one token saves logins; renewing it matters when the suite waits for expiry on a
    platform with short-lived tokens, where the first token would die before the last test.
    """

    def __init__(
        self, login: Login, client: ContractClient, now: Callable[[], float], first: Issued | None = None
    ) -> None:
        self._login = login
        self._client = client
        self._now = now
        self._issued = first  # the pre-flight's token: one login fewer

    def current(self) -> Secret:
        issued = self._issued
        if issued is None or (
            issued.expires_in is not None and self._now() - issued.sent_at >= issued.expires_in / 2
        ):
            issued = self._issued = issued_token(self._login, self._client, self._now)
        return issued.token
