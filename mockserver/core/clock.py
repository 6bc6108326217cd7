"""Time as an object, so tests and the control API move it instead of sleeping."""

from __future__ import annotations

import threading
import time
from typing import Protocol

__all__ = ["Clock", "LocalOffset", "ManualClock", "OffsetCell", "ShiftedClock"]


class Clock(Protocol):
    """What token expiry is decided against: seconds since the epoch."""

    def now(self) -> float: ...

    def advance(self, seconds: float) -> None: ...

    def set(self, timestamp: float) -> None: ...

    def reset(self) -> None: ...


class OffsetCell(Protocol):
    """Where a ShiftedClock keeps its offset: in this process, or shared by every worker."""

    def get(self) -> float: ...

    def set(self, offset: float) -> None: ...

    def add(self, seconds: float) -> None: ...


class LocalOffset:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def get(self) -> float:
        return self._offset

    def set(self, offset: float) -> None:
        self._offset = offset

    def add(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds


class ShiftedClock:
    """Real time plus an offset that the control API moves; the mock's default clock."""

    def __init__(self, offset: OffsetCell | None = None) -> None:
        self._offset = offset or LocalOffset()

    def now(self) -> float:
        return time.time() + self._offset.get()

    def advance(self, seconds: float) -> None:
        self._offset.add(seconds)

    def set(self, timestamp: float) -> None:
        self._offset.set(timestamp - time.time())

    def reset(self) -> None:
        self._offset.set(0.0)


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
