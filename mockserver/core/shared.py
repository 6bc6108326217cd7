"""The mock's mutable state as one document in a backend, read through a per-worker cache.

Every worker checks the backend's generation on each read and reloads the document only when
another worker (or host) changed it; so a clock move, a revocation, a new user or a fault set
through any worker holds for every worker from its next request.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..store import Backend, Document

__all__ = ["SharedDocument", "Snapshot", "initial_document"]

T = TypeVar("T")
FORMAT = 2  # the document's shape; a store holding another (an older mock's Redis) is reset at start


def initial_document() -> Document:
    """A fresh mock: real time, a new signing key (so every earlier token is unknown), nothing else."""
    return {
        "format": FORMAT,
        "clock_offset": 0.0,
        "key": secrets.token_hex(32),
        "revoked_tokens": {},
        "revoked_users": {},
        "users": {},
        "faults": [],
        "failures": {},
    }


@dataclass(frozen=True)
class Snapshot:
    """One worker's read-only view of the document at one generation."""

    generation: int
    clock_offset: float
    key: bytes
    revoked_tokens: dict[str, float]  # token hash: when the token expires
    revoked_users: dict[str, int]  # username: revocation epoch
    users: dict[str, dict[str, Any]]
    faults: list[dict[str, Any]]
    failures: dict[str, list[float]]

    @classmethod
    def parse(cls, generation: int, document: Document) -> Snapshot:
        return cls(
            generation=generation,
            clock_offset=float(document["clock_offset"]),
            key=bytes.fromhex(document["key"]),
            revoked_tokens=document["revoked_tokens"],
            revoked_users=document["revoked_users"],
            users=document["users"],
            faults=document["faults"],
            failures=document["failures"],
        )


class SharedDocument:
    """The one document every worker of a mock shares (tokens' key, revocations, users, faults,
    lockout counts) in its store: read as immutable snapshots, changed only through `update`."""

    def __init__(self, backend: Backend, initial: Callable[[], Document] = initial_document) -> None:
        self.backend = backend
        self._initial = initial
        self._lock = threading.Lock()
        generation, document = backend.load()
        if document.get("format") != FORMAT:
            self.reset()
            generation, document = backend.load()
        self._snapshot = Snapshot.parse(generation, document)
        self._generation = backend.generation  # bound once: view() runs several times per request

    def view(self) -> Snapshot:
        """The current snapshot: one counter read (the file store's is a memory-mapped 8 bytes, no
        system call), a reload only when the generation moved."""
        snapshot = self._snapshot
        if self._generation() != snapshot.generation:
            with self._lock:
                snapshot = self._snapshot = Snapshot.parse(*self.backend.load())
        return snapshot

    def update(self, change: Callable[[Document], T]) -> T:
        return self.backend.update(change)

    def reset(self) -> None:
        fresh = self._initial()

        def replace(document: Document) -> None:
            document.clear()
            document.update(fresh)

        self.update(replace)
        self.backend.clear_journal()


class SharedOffset:
    """The clock offset as a cell of the shared document, for ShiftedClock."""

    def __init__(self, shared: SharedDocument) -> None:
        self._shared = shared

    def get(self) -> float:
        return self._shared.view().clock_offset

    def set(self, offset: float) -> None:
        self._shared.update(lambda document: document.__setitem__("clock_offset", offset))

    def add(self, seconds: float) -> None:
        def advance(document: Document) -> None:
            document["clock_offset"] += seconds

        self._shared.update(advance)
