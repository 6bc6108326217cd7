"""The journal of received requests, redacted as it is written, for tests to read back.

It knows no HTTP: the Flask edge (`http/journal_entry.py`) turns a request into an entry."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..store import Backend

__all__ = ["Journal", "JournalEntry"]


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
