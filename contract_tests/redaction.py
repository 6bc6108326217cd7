"""Mask passwords and tokens in any text the suite shows: failure messages, reports, logs.

Two lines of defence. The suite registers every secret it sends or receives (the password,
each issued token, tokens derived from them), and `redact` replaces each one, in its raw,
URL-encoded and JSON-escaped forms. Patterns then mask what looks like a secret even if it was
never registered (a token a server issued to another client, a `password=` field). This module
is the suite's own on purpose: the mock's redaction serves the mock, this one must also hold
against platforms that echo secrets back.

Masking hides values, never the suite's own text. The suite keeps (`keep`) its titles, clauses,
expectations, skip reasons and test names; a secret found inside one of those is the suite's word
that happens to spell it (a password `password` in "A wrong password gets a 4xx") and is left as
it is there, while every other occurrence, in what the platform answered or was sent, is masked.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = [
    "MASK",
    "REDACTOR",
    "Redactor",
    "Secret",
    "install_log_redaction",
    "keep",
    "redact",
    "register",
    "repeats",
]

MASK = "***"
DISTINCTIVE_LENGTH = 8
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
    """The secrets seen in this process, the suite's own texts, and the function that masks. Thread-safe."""

    def __init__(self) -> None:
        self._forms: set[str] = set()
        self._lock = threading.Lock()
        self._ordered: tuple[str, ...] = ()
        self._kept: set[str] = set()
        self._shared: tuple[str, ...] = ()  # the secret forms that some kept text contains

    def register(self, value: str | None) -> None:
        if not value:
            return
        forms = spellings(value)
        with self._lock:
            if forms <= self._forms:
                return
            new = forms - self._forms
            self._forms |= forms
            # longest first, so that a secret containing another is masked whole
            self._ordered = tuple(sorted(self._forms, key=len, reverse=True))
            self._share(form for form in new if any(form in text for text in self._kept))

    def keep(self, text: str | None) -> None:
        """The suite's own text: never masked where it appears whole (see the module docstring)."""
        if not text or text in self._kept:
            return
        with self._lock:
            self._kept.add(text)
            self._share(form for form in self._forms if form in text)

    def _share(self, forms: Iterable[str]) -> None:
        """Add the secret forms that a kept text contains: only those make a redaction look for kept spans."""
        added = set(forms) - set(self._shared)
        if added:
            self._shared = (*self._shared, *added)

    def redact(self, text: str) -> str:
        kept = self._kept_spans(text)
        for form in self._ordered:
            if form in text:
                text = self._replace(text, form, kept) if kept else text.replace(form, MASK)
                kept = self._kept_spans(text) if kept else kept
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def _kept_spans(self, text: str) -> list[tuple[int, int]]:
        """Where the suite's own texts stand in `text`, if a secret could be hiding in one of them."""
        if not any(form in text for form in self._shared):
            return []
        spans = []
        for kept in self._kept:
            start = text.find(kept)
            while start != -1:
                spans.append((start, start + len(kept)))
                start = text.find(kept, start + 1)
        return spans

    @staticmethod
    def _replace(text: str, form: str, kept: list[tuple[int, int]]) -> str:
        parts, position = [], 0
        start = text.find(form)
        while start != -1:
            end = start + len(form)
            inside = any(low <= start and end <= high for low, high in kept)
            parts += [text[position:start], form if inside else MASK]
            position = end
            start = text.find(form, end)
        return "".join([*parts, text[position:]])


REDACTOR = Redactor()


def register(value: str | None) -> None:
    """Remember a secret, so that every later `redact` masks it."""
    REDACTOR.register(value)


def redact(text: str) -> str:
    return REDACTOR.redact(text)


def keep(text: str | None) -> str | None:
    """Mark a text as the suite's own (a title, a clause, an expectation): never masked; returns it."""
    REDACTOR.keep(text)
    return text


def repeats(
    body: str, headers: Mapping[str, str], secret: str, *, sent: Mapping[str, str] | None = None
) -> bool:
    """Whether an answer (its body and headers) repeats `secret`, a password sent, in any spelling.

    A distinctive secret (8 characters or more, not only letters) counts wherever it appears. A short
    or common one (`demo`, `wrong`, `password`) counts only as a whole value: a JSON string, a
    header's or a urlencoded field's value, exactly it; not as a word of the platform's prose ("the
    username or password is wrong"), and not where the answer repeats a parameter the suite sent
    with that same value (`grant_type` `password`).
    """
    forms = spellings(secret)
    if is_distinctive(secret):
        text = "\n".join([body, *headers.values()])
        return any(form in text for form in forms)
    echoed = {key for key, value in (sent or {}).items() if value == secret}
    return any(value in forms for key, value in _whole_values(body, headers) if key not in echoed)


def is_distinctive(secret: str) -> bool:
    return len(secret) >= DISTINCTIVE_LENGTH and not secret.isalpha()


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
