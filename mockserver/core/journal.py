"""The journal of received requests, redacted and bounded as it is written, for tests to read back.

It knows no HTTP: the edge (`http/journal_entry.py`) reads a request and hands its parts to
`bounded_content`, then the content and its time to `Journal.record`. Any client may fill the
journal, so an entry keeps at most MAX_ITEMS headers, body fields (per object) and list items, names
of MAX_NAME_CHARS and values of MAX_VALUE_CHARS; what is cut says how much it was, and the entry
says `truncated`. Each store also caps the journal's bytes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..store import Backend, EntryContent
from .redaction import LEAF_TYPES, MASK, header_kind, redact_fields, redact_header_as, redact_query

__all__ = [
    "MAX_ITEMS",
    "MAX_NAME_CHARS",
    "MAX_TEXT_CHARS",
    "MAX_VALUE_CHARS",
    "EntryContent",
    "Journal",
    "JournalEntry",
    "bounded_content",
]

MAX_ITEMS = 32  # headers of a request, fields of one body object, items of one list
MAX_NAME_CHARS = 64  # a header's or a field's name
MAX_VALUE_CHARS = 512  # a header's value, a field's text
MAX_TEXT_CHARS = 2048  # the path, the query string


@dataclass
class JournalEntry:
    """Not changed once built. Not frozen: a frozen dataclass's __init__ sets each field through
    object.__setattr__, a cost every request paid."""

    time: float
    method: str
    path: str
    query: str
    headers: dict[str, str]
    form: dict[str, Any]
    status: int
    worker: int
    truncated: bool = False
    error: str | None = None  # the refusal's `error` code, as the client read it in the JSON body
    issued: dict[str, Any] | None = None  # a login's token as `tokens.issued_record` keeps it

    def to_dict(self) -> dict[str, Any]:
        """Shallow: read only, to be encoded (asdict's deep copy cost a third of it)."""
        return dict(self.__dict__)


@dataclass
class _Cut:
    """Whether anything of the entry was cut, set by the helpers that bound its parts."""

    happened: bool = False

    def text(self, text: str, limit: int) -> str:
        if len(text) <= limit:
            return text
        self.happened = True
        return f"{text[:limit]}…(cut, {len(text)} chars)"


def bounded_content(
    *,
    method: str,
    path: str,
    query: str,
    headers: Iterable[tuple[str, str]],
    form: Mapping[str, Any] | Iterable[tuple[str, Any]],
    status: int,
    worker: int,
    error: str | None = None,
    issued: dict[str, Any] | None = None,
) -> EntryContent:
    """An entry, less its time, with secrets masked and every part bounded, whatever the client sent."""
    cut = _Cut()
    fields = {
        "method": cut.text(method, MAX_NAME_CHARS),
        "path": cut.text(path, MAX_TEXT_CHARS),
        "query": cut.text(redact_query(query), MAX_TEXT_CHARS) if query else query,
        "headers": _bounded_headers(headers, cut),
        "form": _bounded(redact_fields(form), cut) if form else {},
        "status": status,
        "worker": worker,
        "error": cut.text(error, MAX_NAME_CHARS) if error is not None else None,
        "issued": issued,
    }
    fields["truncated"] = cut.happened
    return EntryContent(fields)


def _bounded_headers(headers: Iterable[tuple[str, str]], cut: _Cut) -> dict[str, str]:
    """Every header of every request passes here: the kind of a name is looked up once (cached in
    redaction), and a value is redacted only when its kind says so."""
    kept: dict[str, str] = {}
    for count, (name, value) in enumerate(headers):
        if count == MAX_ITEMS:
            cut.happened = True
            break
        if len(name) > MAX_NAME_CHARS:  # too long to judge by its name: masked
            kept[cut.text(name, MAX_NAME_CHARS)] = MASK
            continue
        kind = header_kind(name)
        if kind is not None:
            value = redact_header_as(kind, value)
        kept[name] = value if len(value) <= MAX_VALUE_CHARS else cut.text(value, MAX_VALUE_CHARS)
    return kept


def _bounded(value: Any, cut: _Cut) -> Any:
    if isinstance(value, str):
        return cut.text(value, MAX_VALUE_CHARS)
    if type(value) in LEAF_TYPES:  # before the Mapping ABC, whose isinstance is the dear one
        return value
    if isinstance(value, (dict, Mapping)):
        if len(value) > MAX_ITEMS:
            cut.happened = True
        items = list(value.items())[:MAX_ITEMS]
        return {cut.text(str(name), MAX_NAME_CHARS): _bounded(item, cut) for name, item in items}
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            cut.happened = True
        return [_bounded(item, cut) for item in value[:MAX_ITEMS]]
    return value


class Journal:
    """The journal kept in the state backend, so it holds every worker's requests, oldest first.

    With `size` 0 (`--journal-size 0`, for pure load targets) it is off: nothing is recorded or
    stored, and `entries` is empty; `keeps` says which, so that the edge need not build an entry.
    """

    def __init__(self, backend: Backend, size: int | None = None) -> None:
        self._backend = backend
        self.keeps = size != 0

    def record(self, now: float, entry: EntryContent) -> None:
        """Keep `entry` as received at `now` (the mock's clock); its order is the host's clock."""
        if self.keeps:
            self._backend.append_journal(time.time_ns(), now, entry)

    def entries(self) -> list[JournalEntry]:
        if not self.keeps:
            return []
        entries = self._backend.journal()
        return [JournalEntry(**{k: v for k, v in raw.items() if k != "seq"}) for raw in entries]

    def clear(self) -> None:
        self._backend.clear_journal()
