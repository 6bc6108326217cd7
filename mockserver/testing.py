"""Drive a running mock from tests through its URL and its /_mock/ control API, and assert on its journal.

Only HTTP is used, never the mock's Python internals, so the same handle works for a mock in a
thread, in another process, or behind granian workers sharing a store. The pytest plugin hands
tests an AuthMock; a unittest or a script can build one from any mock's URL.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

__all__ = ["AuthMock", "Call", "Calls", "ControlError"]

TIMEOUT = 5.0


class ControlError(RuntimeError):
    """The mock refused a control call; the message gives the call, the status and the mock's error."""


@dataclass(frozen=True)
class Call:
    """One request the mock received, as its journal recorded it (passwords and tokens already masked)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    form: dict[str, Any]
    status: int
    time: float

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> Call:
        return cls(**{name: entry[name] for name in cls.__dataclass_fields__})

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def matches(
        self,
        path: str,
        method: str | None,
        status: int | None,
        headers: Mapping[str, str],
        form: Mapping[str, Any],
    ) -> bool:
        return (
            fnmatch.fnmatchcase(self.path, path)
            and (method is None or self.method == method.upper())
            and (status is None or self.status == status)
            and all(self.header(name) == value for name, value in headers.items())
            and all(self.form.get(name) == value for name, value in form.items())
        )

    def __str__(self) -> str:
        query = f"?{self.query}" if self.query else ""
        return f"{self.method} {self.path}{query} -> {self.status}"


class Calls(list[Call]):
    """The journal, oldest first, with the one assertion tests need: how many calls of a kind, and which."""

    def matching(
        self,
        path: str = "*",
        *,
        method: str | None = None,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        form: Mapping[str, Any] | None = None,
    ) -> Calls:
        """The calls whose path matches the fnmatch pattern and whose other given fields are equal."""
        return Calls(c for c in self if c.matches(path, method, status, headers or {}, form or {}))

    def assert_called(self, path: str = "*", *, times: int | None = None, **criteria: Any) -> Calls:
        """Fail, listing what the mock did receive, unless `times` (default: at least one) calls match."""
        found = self.matching(path, **criteria)
        enough = len(found) == times if times is not None else bool(found)
        if enough:
            return found
        wanted = " ".join([str(criteria.get("method") or "any method"), path, *_describe(criteria)])
        expected = f"exactly {times}" if times is not None else "at least 1"
        received = "\n".join(f"  {call}" for call in self) or "  (nothing)"
        raise AssertionError(
            f"expected {expected} request(s) {wanted}, got {len(found)}; the mock received:\n{received}"
        )


def _describe(criteria: Mapping[str, Any]) -> list[str]:
    return [f"{name}={value!r}" for name, value in criteria.items() if name != "method" and value]


class AuthMock:
    """A running mock at `url`. `control_token` is needed only when the mock was started with one,
    `ca_bundle` when it serves HTTPS under its test CA (pass it on: `verify=auth_mock.ca_bundle`)."""

    def __init__(
        self,
        url: str,
        *,
        control_token: str | None = None,
        timeout: float = TIMEOUT,
        ca_bundle: str | os.PathLike[str] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.ca_bundle = str(ca_bundle) if ca_bundle is not None else None
        self._session = requests.Session()
        if control_token is not None:
            self._session.headers["Authorization"] = f"Bearer {control_token}"

    @property
    def verify(self) -> str | bool:
        """requests' `verify` for this mock. Given per call: a session's loses to REQUESTS_CA_BUNDLE."""
        return self.ca_bundle or True

    def url_for(self, path: str) -> str:
        """The absolute URL of `path` on this mock (`auth_mock.url_for("/me")`)."""
        return f"{self.url}/{path.lstrip('/')}"

    def control(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        """Call /_mock/<path>; the JSON answer, or None for an empty one. Raises ControlError if refused.

        A call that changes the mock always carries a JSON body (`{}` when it takes no arguments):
        the mock refuses any other, so that no web page can make it."""
        if body is None and method.upper() not in ("GET", "HEAD", "OPTIONS"):
            body = {}
        response = self._session.request(
            method, self.url_for(f"/_mock/{path}"), json=body, timeout=self.timeout, verify=self.verify
        )
        if response.status_code >= 400:
            raise ControlError(f"{method} /_mock/{path}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    def now(self) -> float:
        """The mock's time, as a Unix timestamp: the clock its tokens expire by."""
        return self.control("GET", "clock")["now"]

    def advance(self, seconds: float) -> float:
        """Move the mock's clock forward: tokens expire without anyone sleeping. Returns the new time."""
        return self.control("POST", "clock", {"advance": seconds})["now"]

    def set_time(self, timestamp: float) -> float:
        """Set the mock's clock to `timestamp` (Unix seconds); returns the new time."""
        return self.control("POST", "clock", {"set": timestamp})["now"]

    def add_user(
        self, username: str, password: str, permissions: Iterable[str] = (), *, disabled: bool = False
    ) -> dict[str, Any]:
        """Add (or replace) a user who may log in; a `disabled` user's logins are refused."""
        body = {"username": username, "password": password, "permissions": list(permissions)}
        return self.control("POST", "users", {**body, "disabled": disabled})

    def token(self, username: str = "demo", password: str | None = None) -> str:
        """A fresh access token. The default password follows the demo users' `<username>-password`."""
        response = requests.post(
            self.url_for("/authorization"),
            data={"username": username, "password": password or f"{username}-password"},
            timeout=self.timeout,
            verify=self.verify,
        )
        if response.status_code != 200:
            raise ControlError(f"login as {username!r} refused: {response.status_code} {response.text[:300]}")
        return response.json()["access_token"]

    def revoke(self, token: str) -> bool:
        """Revoke one token of this mock, expired or not; False if it is unknown or already revoked."""
        return self.control("POST", "revoke", {"token": token})["revoked"]

    def revoke_user(self, username: str) -> None:
        """Revoke every token issued to `username` so far; later logins work again."""
        self.control("POST", "revoke", {"username": username})

    def set_fault(self, **spec: Any) -> dict[str, Any]:
        """Inject a fault (see the `fault` schema: path, method, times, delay, status, drop, ...)."""
        return self.control("POST", "faults", spec)

    def clear_faults(self) -> None:
        """Remove every fault, one-shot or lasting."""
        self.control("DELETE", "faults")

    def calls(self) -> Calls:
        """What the mock received (not counting the control API), oldest first."""
        return Calls(Call.from_entry(entry) for entry in self.control("GET", "requests")["requests"])

    def assert_called(self, path: str = "*", *, times: int | None = None, **criteria: Any) -> Calls:
        """Fail, listing what the mock did receive (redacted), unless `times` (default: at least one)
        calls to `path` match `criteria`; the matching calls otherwise."""
        return self.calls().assert_called(path, times=times, **criteria)

    def clear_calls(self) -> None:
        """Empty the mock's journal of received requests."""
        self.control("DELETE", "requests")

    def reset(self) -> None:
        """Back to how the mock started: clock, tokens, users, faults and journal."""
        self.control("POST", "reset")

    def close(self) -> None:
        """Close the handle's HTTP session (the mock keeps running)."""
        self._session.close()
