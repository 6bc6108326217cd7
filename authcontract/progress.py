"""Progress while the contract suite waits for a live platform's token to expire.

The suite waits through `contract_tests.expiry.CLOCK`, a seam it keeps for this: a wait of an hour
with no output looks like a hang to a person and to CI. ProgressClock wraps that clock and
sleeps in steps, saying after each how long is left. It never touches the time it reports.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

__all__ = ["ProgressClock", "SuiteClock", "steps"]

STEPS = 10  # a line every tenth of the wait
MIN_STEP = 1.0  # seconds: a short wait gets a line a second, not ten lines in a blink


class SuiteClock(Protocol):
    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


def steps(total: float) -> list[float]:
    """The lengths of the sleeps that make up a wait of `total` seconds."""
    if total <= 0:
        return []
    step = max(MIN_STEP, total / STEPS)
    count = math.ceil(total / step - 1e-9)
    return [step] * (count - 1) + [total - step * (count - 1)]


class ProgressClock:
    """The suite's clock, with a progress line per step of every sleep."""

    def __init__(self, inner: SuiteClock, write: Callable[[str], None]) -> None:
        self.inner = inner
        self._write = write

    def now(self) -> float:
        return self.inner.now()

    def sleep(self, seconds: float) -> None:
        parts = steps(seconds)
        if not parts:
            return
        digits = 0 if seconds >= 10 else 1
        self._write(f"authcontract: waiting {seconds:.{digits}f} s for a token to expire")
        waited = 0.0
        for part in parts:
            self.inner.sleep(part)
            waited += part
            share = f"{waited:.{digits}f} of {seconds:.{digits}f} s"
            self._write(f"authcontract: waited {share} ({waited / seconds:.0%})")
