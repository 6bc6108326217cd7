"""Time as an object, so tests and the control API move it instead of sleeping."""

from __future__ import annotations

import threading
import time
from typing import Protocol

__all__ = ["Clock", "ManualClock", "ShiftedClock"]


class Clock(Protocol):
    """What token expiry is decided against: seconds since the epoch."""

    def now(self) -> float: ...

    def advance(self, seconds: float) -> None: ...

    def set(self, timestamp: float) -> None: ...

    def reset(self) -> None: ...


class ShiftedClock:
    """Real time plus an offset that the control API moves; the mock's default clock."""

    def __init__(self, source: Clock | None = None) -> None:
        self._source = source.now if source is not None else time.time
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._source() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def set(self, timestamp: float) -> None:
        with self._lock:
            self._offset = timestamp - self._source()

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0


class ManualClock:
    """A clock that stands still until told to move: exact, for unit tests."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._start = start
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    def set(self, timestamp: float) -> None:
        with self._lock:
            self._now = timestamp

    def reset(self) -> None:
        with self._lock:
            self._now = self._start
