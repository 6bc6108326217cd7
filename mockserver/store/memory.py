"""The state of a mock that lives in one process: the default for tests and MockServer."""

from __future__ import annotations

import copy
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from . import JOURNAL_BYTES, Document, EntryContent, encode_entry

__all__ = ["MemoryBackend"]

T = TypeVar("T")


class MemoryBackend:
    def __init__(
        self, initial: Callable[[], Document], journal_size: int, journal_bytes: int = JOURNAL_BYTES
    ) -> None:
        self._document = initial()
        self._generation = 0
        self._journal: deque[tuple[int, float, EntryContent, int]] = deque()
        self._journal_size = journal_size
        self._journal_bytes = journal_bytes
        self._journal_weight = 0
        self._journal_lock = threading.Lock()
        self._lock = threading.Lock()

    def generation(self) -> int:
        return self._generation

    def load(self) -> tuple[int, Document]:
        with self._lock:
            return self._generation, copy.deepcopy(self._document)

    def update(self, change: Callable[[Document], T]) -> T:
        with self._lock:
            result = change(self._document)
            self._generation += 1
            return result

    def append_journal(self, seq: int, time: float, entry: EntryContent) -> None:
        """The oldest entries go past `journal_size` entries or `journal_bytes`, counted as the JSON
        that `GET /_mock/requests` reads, less the stamp; the newest stays."""
        weight = len(entry.encoded(encode_entry))  # made once for entries that look alike
        with self._journal_lock:
            self._journal.append((seq, time, entry, weight))
            self._journal_weight += weight
            while len(self._journal) > 1 and (
                len(self._journal) > self._journal_size or self._journal_weight > self._journal_bytes
            ):
                self._journal_weight -= self._journal.popleft()[3]

    def journal(self) -> list[dict[str, Any]]:
        with self._journal_lock:
            kept = list(self._journal)
        return [{**entry.fields, "time": time, "seq": seq} for seq, time, entry, _ in kept]

    def clear_journal(self) -> None:
        with self._journal_lock:
            self._journal.clear()
            self._journal_weight = 0

    def close(self) -> None:
        pass
