"""Mask passwords and tokens wherever the mock writes down what it received."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = ["SECRET_FIELDS", "redact_authorization", "redact_fields", "redact_query", "redact_token"]

SECRET_FIELDS = frozenset(
    {"password", "access_token", "refresh_token", "client_secret", "token", "control_token"}
)
MASK = "***"
_VISIBLE = 4


def redact_token(token: str) -> str:
    """Enough of a token to tell two apart in a log, never enough to use one."""
    if len(token) < 16:
        return MASK
    return f"{token[:_VISIBLE]}…({len(token)} chars)"


def redact_authorization(value: str) -> str:
    scheme, _, credentials = value.strip().partition(" ")
    if not credentials.strip():
        return scheme
    if scheme.lower() == "bearer":
        return f"{scheme} {redact_token(credentials.strip())}"
    return f"{scheme} {MASK}"


def redact_fields(values: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """A copy of form, JSON or query fields with every secret field masked."""
    items = values.items() if isinstance(values, Mapping) else values
    redacted: dict[str, Any] = {}
    for key, value in items:
        redacted[key] = MASK if str(key).lower() in SECRET_FIELDS else value
    return redacted


def redact_query(query: str) -> str:
    if not query:
        return query  # most requests: nothing to parse, on the hot path of every request
    pairs = parse_qsl(query, keep_blank_values=True)
    masked = [(k, MASK if k.lower() in SECRET_FIELDS else v) for k, v in pairs]
    return urlencode(masked, safe="*")
