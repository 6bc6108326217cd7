"""`compare --write-mock-config FILE`: the mock settings that make the bundled mock answer like the platform.

From what the platform answered (observe.py's facts) come the settings the mock can express: the
status of a refused login, the realm, the token's lifetime, whether the token answer names its
scope, whether error answers carry error_description, and Cache-Control/Pragma on error answers.
The file is the TOML `mockserver --config` reads. What the mock cannot mirror is found, not guessed:
the mock is started from the file just written and probed again, and every difference left is
listed as "not mirrored" with its reason, in the file (as comments) and on the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from .drift import Difference
from .text import printable

__all__ = [
    "NotMirrored",
    "append_not_mirrored",
    "mirror_settings",
    "not_mirrored",
    "render_not_mirrored",
    "toml_value",
    "write_mock_config",
]

REFUSED_LOGINS = ("login, wrong password", "login, unknown user")
MAX_TOKEN_TTL = 3_153_600_000  # mockserver.settings' bound: a hundred years
REALM_LENGTH = 120


def mirror_settings(platform: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The mock settings (config-file names) the platform's answers call for, where the mock can say it;
    a behaviour the platform shows inconsistently, or one outside a setting's range, sets nothing."""
    found: dict[str, Any] = {}
    statuses = {platform[name].get("status") for name in REFUSED_LOGINS if name in platform}
    if len(statuses) == 1 and statuses <= {"400", "401"}:
        found["invalid-grant-status"] = int(statuses.pop() or 0)
    realms = {facts["challenge realm"] for facts in platform.values() if "challenge realm" in facts}
    if len(realms) == 1 and _expressible_realm(realm := realms.pop()):
        found["realm"] = realm
    login = platform.get("login", {})
    lifetime = _whole_seconds(login.get("expires_in (seconds)"))
    if lifetime is not None:
        found["token-ttl"] = lifetime
    if login.get("status") == "200" and "body.access_token" in login:
        found["token-scope"] = "body.scope" in login
    errors = [facts for facts in platform.values() if facts.get("status", "").startswith(("4", "5"))]
    described = {"body.error_description" in facts for facts in errors if "body.error" in facts}
    if len(described) == 1:
        found["error-descriptions"] = described.pop()
    stored = {"no-store" in facts.get("header Cache-Control", "").split(", ") for facts in errors}
    if len(stored) == 1:
        found["error-cache-headers"] = stored.pop()
    return found


def _expressible_realm(realm: str) -> bool:
    """A realm the mock sends exactly as given: printable ASCII, no quote or backslash, not cut."""
    allowed = all(0x20 <= ord(char) <= 0x7E and char not in '"\\' for char in realm)
    return bool(realm) and allowed and len(realm) <= REALM_LENGTH


def _whole_seconds(fact: str | None) -> int | None:
    """The lifetime as the mock's token-ttl: a whole number of seconds in its range, even sent as text."""
    if fact is None:
        return None
    try:
        value = json.loads(fact)
        if isinstance(value, str):
            value = float(value)
    except ValueError:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        return None
    return int(value) if 0 < value <= MAX_TOKEN_TTL else None


def toml_value(value: Any) -> str:
    """A setting's value as TOML writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # a realm of printable ASCII without quotes or backslashes: valid TOML


def write_mock_config(path: Path, settings: dict[str, Any], target: str) -> None:
    """The TOML file `mockserver --config` and `compare --mock-config` read."""
    lines = [
        f"# The bundled mock, set to answer like {printable(target)}",
        "# (written by `authcontract compare --write-mock-config`).",
        f"# Serve it: mockserver --config {printable(path.name)}",
        "[mockserver]",
        *(f"{name} = {toml_value(value)}" for name, value in settings.items()),
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


@dataclass(frozen=True)
class NotMirrored:
    """A difference the written config leaves, and why the mock cannot be taught it."""

    difference: Difference
    reason: str


ANY = "*"
GET = "login by GET"
# (fact pattern, probe pattern, reason), first match wins
REASONS = (
    ("status", "login", "the mock answers a good login 200, with a token"),
    ("status", "login, *", "the mock refuses a login with 400 or 401 only, the same for every refusal"),
    ("status", GET, "the mock answers 405 to a GET of its token path (RFC 9110 §15.5.6)"),
    ("status", ANY, "the mock answers RFC 6750's statuses here; it has no setting for another"),
    ("sent", ANY, "the platform's login gave no token to probe with; the mock's always does"),
    ("*expires_in*", ANY, "the mock's expires_in is a JSON number of whole seconds, 1 s to 100 years"),
    ("body.token_type", ANY, 'the mock always sends token_type "Bearer"'),
    ("body.error", ANY, "the mock's error codes are RFC 6749 §5.2's and RFC 6750 §3.1's, not settings"),
    ("body.error_description", ANY, "error-descriptions is one switch; the platform sends some, not all"),
    ("body*", ANY, "the mock has no setting for this part of its answer"),
    ("header Cache-Control", "login", "the mock's token answer is always no-store (RFC 6749 §5.1 MUST)"),
    ("header Cache-Control", ANY, "error-cache-headers is one switch; this answer is not like the others"),
    ("header Pragma", ANY, "the mock sends Pragma: no-cache with Cache-Control: no-store, never alone"),
    ("header Allow", GET, "Flask names OPTIONS in Allow on every route; the mock has no setting for it"),
    ("header WWW-Authenticate", ANY, "the mock challenges every 401 and protected refusal, nothing else"),
    ("challenge params", ANY, "the mock's challenge holds realm, error, error_description; no setting"),
    ("challenge realm", ANY, "the mock names one realm, printable ASCII without quotes, in every challenge"),
)
NO_SETTING = "the mock has no setting for it"


def not_mirrored(left: list[Difference]) -> list[NotMirrored]:
    """Each difference still there against the mirrored mock, with the reason from the table."""
    return [
        NotMirrored(item, next((why for f, p, why in REASONS if _match(item, f, p)), NO_SETTING))
        for item in left
        if not item.same
    ]


def _match(item: Difference, fact: str, probe: str) -> bool:
    return fnmatchcase(item.fact, fact) and fnmatchcase(item.probe, probe)


def _line(entry: NotMirrored) -> str:
    item = entry.difference
    return (
        f"{item.severity}: {item.probe}: {item.fact}: mock {item.mock}, platform {item.platform}"
        f" ({entry.reason})"
    )


def render_not_mirrored(entries: list[NotMirrored], redact: Callable[[str], str]) -> list[str]:
    """One escaped, redacted line per difference the mock cannot mirror."""
    return [printable(redact(_line(entry))) for entry in entries]


def append_not_mirrored(path: Path, lines: list[str]) -> None:
    """The not-mirrored lines as comments at the end of the config file (comments change no setting)."""
    said = ["# Not mirrored (the mock cannot be taught these; compare --mock-config lists them):"]
    said += [f"#   {line}" for line in lines] or [
        "#   nothing: the mock answers the probes as the platform does"
    ]
    with path.open("a", encoding="utf-8") as file:
        file.write("\n".join(["", *said, ""]))
