"""Mask passwords and tokens wherever the mock writes down what it received."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = [
    "is_secret_field",
    "loggable",
    "redact_authorization",
    "redact_fields",
    "redact_header",
    "redact_query",
    "redact_token",
]

_SECRET_NAMES = frozenset({"token", "code", "apikey", "api_key", "secret", "credentials"})
# Suffixes catch the variants clients invent: new_password, client_secret, id_token, x_api_key...
_SECRET_SUFFIXES = ("password", "passwd", "secret", "_token", "apikey", "api_key")
_SECRET_HEADERS = frozenset({"cookie"})  # beyond the names is_secret_field knows (X-Api-Key, X-Auth-Token...)
# IANA's HTTP authentication schemes: a lone word that is one of these is shown, anything else masked.
_SCHEMES = frozenset(
    {"basic", "bearer", "digest", "dpop", "hoba", "mutual", "negotiate", "ntlm", "oauth", "token"}
)
MASK = "***"
_VISIBLE = 4
_LONGEST_SCHEME = 15
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def is_secret_field(name: object) -> bool:
    """By name: password, client_secret, X-Api-Key, user[password], password[]..."""
    key = str(name).lower().replace("-", "_").rstrip("[]")
    return key in _SECRET_NAMES or key.endswith(_SECRET_SUFFIXES)


def redact_token(token: str) -> str:
    """Enough of a token to tell two apart in a log, never enough to use one."""
    if len(token) < 16:
        return MASK
    return f"{token[:_VISIBLE]}…({len(token)} chars)"


def redact_authorization(value: str) -> str:
    """The scheme, kept for debugging, and the credentials masked, however the header is spaced."""
    words = value.split(None, 1)
    if not words:
        return value
    if len(words) == 1:
        return words[0] if words[0].lower() in _SCHEMES else redact_token(words[0])
    scheme, credentials = words
    if len(scheme) > _LONGEST_SCHEME:  # no scheme is this long: a token with something after it
        return MASK
    if scheme.lower() == "bearer":
        return f"{scheme} {redact_token(credentials.strip())}"
    return f"{scheme} {MASK}"


def redact_header(name: str, value: str) -> str:
    kind = _header_kind(name)
    if kind is None:
        return value
    return redact_authorization(value) if kind == "authorization" else MASK


@lru_cache(maxsize=1024)  # every request's headers pass here; their names repeat
def _header_kind(name: str) -> str | None:
    lowered = name.lower()
    if lowered.endswith("authorization"):
        return "authorization"
    return "secret" if lowered in _SECRET_HEADERS or is_secret_field(lowered) else None


def redact_fields(values: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """A copy of form, JSON or query fields with every secret field masked, at any depth."""
    items = values.items() if isinstance(values, Mapping) else values
    return {key: MASK if is_secret_field(key) else _redact_nested(value) for key, value in items}


def _redact_nested(value: Any) -> Any:
    if isinstance(value, Mapping):
        return redact_fields(value)
    if isinstance(value, list):
        return [_redact_nested(item) for item in value]
    return value


def redact_query(query: str) -> str:
    if not query:
        return query  # most requests: nothing to parse, on the hot path of every request
    pairs = parse_qsl(query, keep_blank_values=True)
    masked = [(k, MASK if is_secret_field(k) else v) for k, v in pairs]
    return urlencode(masked, safe="*")


def loggable(text: str) -> str:
    """Control characters escaped, so a request cannot forge a line of the log (%0A in a path)."""
    return _UNPRINTABLE.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
