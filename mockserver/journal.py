"""The journal of received requests, redacted as it is written, for tests to read back."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from flask import Request, Response
from werkzeug.exceptions import HTTPException

from .body import has_body, is_json
from .errors import OAuthError
from .json_input import parse_json_object
from .redaction import redact_fields, redact_header, redact_query
from .store import Backend

__all__ = ["Journal", "JournalEntry", "entry_from"]


@dataclass(frozen=True)
class JournalEntry:
    time: float
    method: str
    path: str
    query: str
    headers: dict[str, str]
    form: dict[str, Any]
    status: int
    worker: int

    def to_dict(self) -> dict[str, Any]:
        """Shallow: the fields are fresh per entry already (asdict's deep copy cost a third of it)."""
        return dict(self.__dict__)


def entry_from(request: Request, response: Response, now: float) -> JournalEntry:
    headers = {name: redact_header(name, value) for name, value in request.headers.items()}
    return JournalEntry(
        time=now,
        method=request.method,
        path=request.path,
        query=redact_query(request.query_string.decode("latin-1")),
        headers=headers,
        form=_body_fields(request),
        status=response.status_code,
        worker=os.getpid(),
    )


def _body_fields(request: Request) -> dict[str, Any]:
    """The body's fields, redacted; empty when the body is not a form or JSON object, or unreadable."""
    if not has_body(request):
        return {}
    try:
        if is_json(request.mimetype):
            return redact_fields(parse_json_object(request.get_data()))
        return redact_fields(request.form.items(multi=True))
    except (HTTPException, OAuthError, ValueError):
        return {}


class Journal:
    """The journal kept in the state backend, so it holds every worker's requests, oldest first."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    def record(self, entry: JournalEntry) -> None:
        self._backend.append_journal({**entry.to_dict(), "seq": time.time_ns()})

    def entries(self) -> list[JournalEntry]:
        entries = self._backend.journal()
        return [JournalEntry(**{k: v for k, v in raw.items() if k != "seq"}) for raw in entries]

    def clear(self) -> None:
        self._backend.clear_journal()
