"""Whether an answer repeats a password it was sent, compared on decoded values.

A platform may spell the password back in any escape of JSON, URL or HTML, in either case, or inside
base64 (`user:password`): the answer is decoded (spelling.py), never matched against guessed spellings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .redaction import spellings
from .spelling import base64_text, decoded_forms, find_spans

__all__ = ["DISTINCTIVE_LENGTH", "is_distinctive", "repeats"]

DISTINCTIVE_LENGTH = 8


def repeats(
    body: str, headers: Mapping[str, str], secret: str, *, sent: Mapping[str, str] | None = None
) -> bool:
    """Whether an answer (its body and headers) repeats `secret`, a password sent, in any spelling:
    compared on decoded values (JSON, percent and HTML escapes in any case, base64 of `user:secret`).

    A distinctive secret (8 characters or more, not only letters) counts wherever it appears. A short
    or common one (`demo`, `wrong`, `password`) counts only as a whole value: a JSON string, a
    header's or a urlencoded field's value, exactly it; not as a word of the platform's prose ("the
    username or password is wrong"), and not where the answer repeats a parameter the suite sent
    with that same value (`grant_type` `password`).
    """
    if is_distinctive(secret):
        text = "\n".join([body, *headers.values()])
        return any(form in text for form in spellings(secret)) or bool(find_spans(text, [secret]))
    echoed = {key for key, value in (sent or {}).items() if value == secret}
    return any(_spells(value, secret) for key, value in _whole_values(body, headers) if key not in echoed)


def _spells(value: str, secret: str) -> bool:
    """Whether a whole value is `secret` once decoded, or base64 of it or of `user:secret` (Basic)."""
    if secret in decoded_forms(value):
        return True
    words = value.split()
    plain = base64_text(words[-1]) if words else None
    return plain is not None and (plain == secret or plain.endswith(":" + secret))


def is_distinctive(secret: str) -> bool:
    return len(secret) >= DISTINCTIVE_LENGTH and not secret.isalpha()


_FIELD = re.compile(r"(?:^|[?&;\s])([A-Za-z0-9_.\-]+)=([^&;\s]*)")


def _whole_values(body: str, headers: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """(key, value) of every whole value in an answer: the body's JSON strings (or the whole body),
    header values, urlencoded fields in either. Strings in JSON arrays have the key ''."""
    try:
        yield from _json_strings("", json.loads(body))
    except ValueError:
        yield "", body.strip()
    for name, value in headers.items():
        yield name, value.strip()
    for text in [body, *headers.values()]:
        for match in _FIELD.finditer(text):
            yield match[1], match[2]


def _json_strings(key: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, inner in value.items():
            yield from _json_strings(str(name), inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _json_strings("", inner)
