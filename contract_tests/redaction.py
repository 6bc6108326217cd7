"""Mask passwords and tokens in any text the suite shows: failure messages, reports, logs.

Two lines of defence. The suite registers every secret it sends or receives (the password,
each issued token, tokens derived from them), and `redact` masks each one wherever the text spells
it: raw, URL-encoded, JSON-escaped, HTML-escaped, quoted through a repr, inside base64, found by
decoding the text (spelling.py) rather than by guessing its spellings. Patterns then mask what looks
like a secret even if it was never registered (a token a server issued to another client, a
`password=` field): a field, JSON member or repr key whose name is a secret by the one word-aware
list of secret names, the mock's (`mockserver.core.redaction.is_secret_field`).

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
import string
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, quote_plus, unquote

from mockserver.core.redaction import is_secret_field

from .spelling import find_spans, merge

__all__ = [
    "MASK",
    "REDACTOR",
    "Redactor",
    "Secret",
    "install_log_redaction",
    "keep",
    "redact",
    "register",
    "say",
    "spellings",
]

MASK = "***"
_NAME = r"[A-Za-z0-9_.%\-\[\]]{1,128}"


def _masked(match: re.Match[str]) -> str:
    """A named value, masked if its name is a secret's by the one list of secret names."""
    name = match["name"]
    if not is_secret_field(unquote(name)):
        return match[0]
    return f"{match['open']}{name}{match['between']}{MASK}{match['end']}"


_PATTERNS: tuple[tuple[re.Pattern[str], Any], ...] = (
    # JSON members: "access_token": "…"; a repr doubles the backslash of an escaped quote
    (
        re.compile(
            r'(?P<open>")(?P<name>(?:[^"\\]|\\.){1,128})(?P<between>"\s*:\s*")(?:[^"\\]|\\+.)*(?P<end>")'
        ),
        _masked,
    ),
    # Python reprs of dicts: 'access_token': '…'
    (
        re.compile(r"(?P<open>')(?P<name>[^'\\]{1,128})(?P<between>'\s*:\s*')(?:[^'\\]|\\+.)*(?P<end>')"),
        _masked,
    ),
    # form or query fields: password=…, X-Amz-Signature=…
    (
        re.compile(rf"(?P<open>)(?<![A-Za-z0-9_.%\-\[\]])(?P<name>{_NAME})(?P<between>=)[^&\s'\"]+(?P<end>)"),
        _masked,
    ),
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
        self._values: frozenset[str] = frozenset()  # the secrets themselves, looked for in decoded text
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
            self._values = self._values | {value}
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
        """Every registered secret masked in whatever spelling `text` holds it, then the patterns."""
        spans = self._secret_spans(text)
        if spans:
            kept = self._kept_spans(text)
            spans = [(start, end) for start, end in spans if not _inside(start, end, kept)]
            text = _mask(text, merge(spans))
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def _secret_spans(self, text: str) -> list[tuple[int, int]]:
        spans = []
        for form in self._ordered:
            start = text.find(form)
            while start != -1:
                spans.append((start, start + len(form)))
                start = text.find(form, start + 1)
        return spans + find_spans(text, self._values)

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


def _inside(start: int, end: int, kept: list[tuple[int, int]]) -> bool:
    return any(low <= start and end <= high for low, high in kept)


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each of these spans (in order, apart) replaced by the mask."""
    parts, position = [], 0
    for start, end in spans:
        parts += [text[position:start], MASK]
        position = end
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


def say(template: str, /, **values: object) -> str:
    """A line the tool prints: `template`'s words are the tool's own, kept (a password that spells
    "login" or "live" leaves "the configured login was refused" whole), and each value, which may come
    from the platform or the user, is redacted before it is put in its place."""
    parts = []
    for literal, field, spec, _conversion in string.Formatter().parse(template):
        if literal.strip():
            keep(literal.strip())
        parts.append(literal)
        if field is not None:
            parts.append(redact(format(values[field], spec or "")))
    return "".join(parts)


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
