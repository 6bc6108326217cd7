"""The journal of received requests, redacted as it is written, for tests to read back."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from flask import Request, Response
from werkzeug.exceptions import HTTPException

from .redaction import redact_authorization, redact_fields, redact_query

__all__ = ["Journal", "JournalEntry", "entry_from"]

_SKIPPED_HEADERS = frozenset({"cookie"})


@dataclass(frozen=True)
class JournalEntry:
    time: float
    method: str
    path: str
    query: str
    headers: dict[str, str]
    form: dict[str, Any]
    status: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def entry_from(request: Request, response: Response, now: float) -> JournalEntry:
    headers = {}
    for name, value in request.headers.items():
        if name.lower() == "authorization":
            value = redact_authorization(value)
        elif name.lower() in _SKIPPED_HEADERS:
            continue
        headers[name] = value
    return JournalEntry(
        time=now,
        method=request.method,
        path=request.path,
        query=redact_query(request.query_string.decode("latin-1")),
        headers=headers,
        form=_body_fields(request),
        status=response.status_code,
    )


def _body_fields(request: Request) -> dict[str, Any]:
    """The body's fields, redacted; empty when the body is not a form or JSON object, or unreadable."""
    try:
        if request.is_json:
            body = request.get_json(silent=True)
            return redact_fields(body) if isinstance(body, dict) else {}
        return redact_fields(request.form.items(multi=True))
    except HTTPException:
        return {}


class Journal:
    """A bounded, thread-safe list of entries, oldest first."""

    def __init__(self, size: int) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._lock = threading.Lock()

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[JournalEntry]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
