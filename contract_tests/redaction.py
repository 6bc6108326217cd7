"""Mask passwords and tokens in any text the suite shows: failure messages, reports, logs.

Two lines of defence. The suite registers every secret it sends or receives (the password,
each issued token, tokens derived from them), and `redact` replaces each one, in its raw,
URL-encoded and JSON-escaped forms. Patterns then mask what looks like a secret even if it was
never registered (a token a server issued to another client, a `password=` field). This module
is the suite's own on purpose: the mock's redaction serves the mock, this one must also hold
against platforms that echo secrets back.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "REDACTOR", "Redactor", "Secret", "install_log_redaction", "redact", "register"]

MASK = "***"
_SECRET_FIELDS = r"password|passwd|access_token|refresh_token|id_token|client_secret|token"
_PATTERNS = (
    # JSON members: "access_token": "…"
    (re.compile(rf'(?i)("(?:{_SECRET_FIELDS})"\s*:\s*")(?:[^"\\]|\\.)*(")'), rf"\g<1>{MASK}\g<2>"),
    # Python reprs of dicts: 'access_token': '…'
    (re.compile(rf"(?i)('(?:{_SECRET_FIELDS})'\s*:\s*')[^']*(')"), rf"\g<1>{MASK}\g<2>"),
    # form or query fields: password=…
    (re.compile(rf"(?i)(\b(?:{_SECRET_FIELDS})=)[^&\s'\"]+"), rf"\g<1>{MASK}"),
    # the credentials of an Authorization header, whatever the scheme
    (
        re.compile(
            r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?[A-Za-z][A-Za-z0-9_-]*[ \t]+)[A-Za-z0-9\-._~+/]+=*"
        ),
        rf"\g<1>{MASK}",
    ),
    # a Bearer token anywhere else: long enough not to be a word of prose, and not a challenge's realm="…"
    (re.compile(r"(?i)(\bbearer[ \t]+)(?![A-Za-z0-9_-]+=\")[A-Za-z0-9\-._~+/]{16,}=*"), rf"\g<1>{MASK}"),
)


class Secret:
    """A string that never shows itself: its repr and str are masked, `reveal()` gives the value.

    Fixtures hand tokens and passwords around as Secrets, so that a traceback or `--showlocals`
    prints `Secret('***')` and not the value.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __len__(self) -> int:
        return len(self._value)


def spellings(value: str) -> set[str]:
    """Every way a report may spell a secret: raw, URL-encoded, JSON-escaped, and inside a Python
    repr (either quote style) or HTML of those. A failure message quotes bodies through repr, where
    a JSON-escaped quote becomes `\\\\"`; an unmatched spelling would let the secret's tail through."""
    plain = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
    forms = set(plain)
    for text in (value, json.dumps(value)[1:-1]):
        doubled = text.replace("\\", "\\\\")
        forms |= {doubled, doubled.replace("'", "\\'"), doubled.replace('"', '\\"')}
        forms |= {html.escape(text), html.escape(text, quote=False)}
    return forms


class Redactor:
    """The secrets seen in this process, and the function that masks them. Thread-safe."""

    def __init__(self) -> None:
        self._forms: set[str] = set()
        self._lock = threading.Lock()
        self._ordered: tuple[str, ...] = ()

    def register(self, value: str | None) -> None:
        if not value:
            return
        forms = spellings(value)
        with self._lock:
            if forms <= self._forms:
                return
            self._forms |= forms
            # longest first, so that a secret containing another is masked whole
            self._ordered = tuple(sorted(self._forms, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for form in self._ordered:
            if form in text:
                text = text.replace(form, MASK)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


REDACTOR = Redactor()


def register(value: str | None) -> None:
    """Remember a secret, so that every later `redact` masks it."""
    REDACTOR.register(value)


def redact(text: str) -> str:
    return REDACTOR.redact(text)


def install_log_redaction() -> Callable[[], None]:
    """Mask secrets in every log message of the process; returns the function that undoes it.

    A log record factory reaches every logger and handler, pytest's live logging included,
    where a filter on one logger would miss records of its children (urllib3 logs full URLs).
    """
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logging's to report, not ours
            return record
        record.msg, record.args = redact(message), None
        return record

    logging.setLogRecordFactory(factory)
    return lambda: logging.setLogRecordFactory(previous)
