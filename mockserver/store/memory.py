"""The state of a mock that lives in one process: the default for tests and MockServer."""

from __future__ import annotations

import copy
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from . import Document

__all__ = ["MemoryBackend"]

T = TypeVar("T")


class MemoryBackend:
    def __init__(self, initial: Callable[[], Document], journal_size: int) -> None:
        self._document = initial()
        self._generation = 0
        self._journal: deque[dict[str, Any]] = deque(maxlen=journal_size)
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

    def append_journal(self, entry: dict[str, Any]) -> None:
        self._journal.append(entry)

    def journal(self) -> list[dict[str, Any]]:
        return list(self._journal)

    def clear_journal(self) -> None:
        self._journal.clear()

    def close(self) -> None:
        pass
