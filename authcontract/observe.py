"""The probes `compare` sends, and what it notes of each answer: the facts two platforms should share.

A fact is a short string: the status, a header reduced to what the contract cares about (media
type, cache directives, the challenge's scheme and error code), the challenge's other parameter
names and its realm (apart: they are optional, and the realm is what a mirrored mock needs), each
JSON body member's type, the values that are codes (`error`, `token_type`, as spelled), and
`expires_in` as sent: a number (drift.py judges its range) or, for anything else, its JSON text
(a string "3600" is shown as the string it is). Values that legitimately differ (tokens,
descriptions, dates) are reduced to their type or their presence.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from contract_tests.challenges import cache_directives, challenge_params, challenge_schemes
from contract_tests.checks import MISSING, json_body
from contract_tests.client import authorization
from contract_tests.login import Login
from contract_tests.probes import unknown_like
from contract_tests.redaction import Secret

from .drift import EXPIRES_IN
from .probe_client import ProbeClient

__all__ = ["PROBES", "Probe", "Side", "observe"]

ABSENT = "(absent)"
CODE_FIELDS = ("error", "token_type")
CHALLENGE_PARAMS, CHALLENGE_REALM = "challenge params", "challenge realm"
SHOWN_LENGTH = 120  # a realm or an odd expires_in longer than this is cut, with an ellipsis
HEADERS = ("Content-Type", "Cache-Control", "Pragma", "WWW-Authenticate", "Allow", "Retry-After")


@dataclass
class Side:
    """One target as `compare` talks to it, and the token its login gave (None if it gave none)."""

    client: ProbeClient
    login: Login
    protected_path: str
    token: Secret | None = None

    def log_in(self, **changes: Any) -> requests.Response:
        return self.login.send(self.client, **changes)

    def protected(self, auth: str | None) -> requests.Response:
        return self.client.get(self.protected_path, auth=auth)

    def with_token(
        self, scheme: str = "Bearer", alter: Callable[[Secret], Secret] = lambda token: token
    ) -> requests.Response | None:
        return None if self.token is None else self.protected(authorization(alter(self.token), scheme))


def _made_up(prefix: str) -> Secret:
    return Secret(prefix + secrets.token_hex(8))


@dataclass(frozen=True)
class Probe:
    name: str
    send: Callable[[Side], requests.Response | None]
    body_fields: bool = True  # False where the body is the platform's own business (its API's data)


PROBES = (
    Probe("login", lambda side: side.log_in()),
    Probe("login, wrong password", lambda side: side.log_in(password=_made_up("wrong-"))),
    Probe("login, unknown user", lambda side: side.log_in(username=_made_up("nobody-"))),
    Probe("login by GET", lambda side: side.log_in(method="GET")),
    Probe("protected, valid token", lambda side: side.with_token(), body_fields=False),
    Probe("protected, lower-case bearer", lambda side: side.with_token("bearer"), body_fields=False),
    Probe("protected, no Authorization", lambda side: side.protected(None)),
    Probe("protected, unknown token", lambda side: side.with_token(alter=unknown_like)),
    Probe("protected, Bearer without token", lambda side: side.protected("Bearer")),
    Probe("protected, malformed token", lambda side: side.protected("Bearer abc@def!")),
    Probe("protected, another scheme", lambda side: side.with_token("Token")),
)


def _header_fact(name: str, value: str) -> str:
    if name == "Content-Type":
        return value.split(";")[0].strip().lower()
    if name in ("Cache-Control", "Pragma", "Allow"):
        return ", ".join(sorted(cache_directives(value)))
    if name == "WWW-Authenticate":
        error = challenge_params(value).get("error")
        shown = f' (error="{error}")' if error is not None else ""
        return f"{' '.join(challenge_schemes(value)).title()}{shown}"
    return "present"


def _challenge_facts(value: str) -> dict[str, str]:
    """The optional parameters of a challenge by name, and its realm as sent."""
    params = challenge_params(value)
    facts = {CHALLENGE_PARAMS: ", ".join(sorted(name for name in params if name != "error")) or "none"}
    if "realm" in params:
        facts[CHALLENGE_REALM] = _cut(params["realm"])
    return facts


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def _type_of(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def observe(response: requests.Response | None, body_fields: bool = True) -> dict[str, str]:
    if response is None:
        return {"sent": "not sent: the login gave no token"}
    facts = {"status": str(response.status_code)}
    for name in HEADERS:
        value = response.headers.get(name)
        facts[f"header {name}"] = ABSENT if value is None else _header_fact(name, value)
    challenge = response.headers.get("WWW-Authenticate")
    if challenge is not None:
        facts.update(_challenge_facts(challenge))
    body = json_body(response)
    if body_fields and isinstance(body, dict):
        facts.update({f"body.{key}": _value_fact(key, value) for key, value in body.items()})
        if "expires_in" in body:
            facts[EXPIRES_IN] = _lifetime(body["expires_in"])
    else:
        facts["body"] = "empty" if not response.content else "not JSON" if body is MISSING else "JSON"
    return facts


def _lifetime(value: Any) -> str:
    """A number of seconds as a number (`3600`); anything else as its JSON text (`"3600"`, `null`)."""
    if isinstance(value, int) and not isinstance(value, bool):  # every digit: 86400, not 8.64e+04
        return _cut(str(value))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return _cut(json.dumps(value, ensure_ascii=False))


def _value_fact(key: str, value: Any) -> str:
    """A member's type; for codes (`error`, `token_type`) also its value, as spelled."""
    if key in CODE_FIELDS and isinstance(value, str):
        return f'string "{value}"'
    return _type_of(value)
