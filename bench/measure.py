"""Several loads measured in one run: round-robin, each run after its own warm-up, medians.

Round-robin (a, b, c, a, b, c, ...) rather than all of a then all of b, so that a drift of the
machine during the run (another tenant, thermal limits, a growing state) falls on every load
alike and the ratios between them stay fair.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .wrk import Load, Summary, WrkRun, run_wrk, summarize

__all__ = ["RoundRobin", "Shape"]


@dataclass(frozen=True)
class Shape:
    rounds: int = 3
    warmup_s: int = 3
    measure_s: int = 10


@dataclass
class RoundRobin:
    """Runs loads in rounds; keeps every run, warm-ups too, since they also issue tokens."""

    shape: Shape
    progress: Callable[[str], None] = print
    measured: dict[str, list[WrkRun]] = field(default_factory=dict)
    warmups: dict[str, list[WrkRun]] = field(default_factory=dict)

    def run(self, loads: Sequence[Load]) -> dict[str, Summary]:
        for round_number in range(1, self.shape.rounds + 1):
            for load in loads:
                self.warmups.setdefault(load.name, []).append(run_wrk(load, self.shape.warmup_s))
                measured = run_wrk(load, self.shape.measure_s)
                self.measured.setdefault(load.name, []).append(measured)
                self.progress(
                    f"  round {round_number}/{self.shape.rounds} {load.name}: {measured.rps:,.0f} req/s, "
                    f"p99 {measured.p99_ms:.1f} ms"
                )
        return {name: summarize(runs) for name, runs in self.measured.items()}

    def answered(self, name: str) -> int:
        """Requests of the load answered below 400, warm-ups included."""
        return sum(run.ok for run in self.measured.get(name, []) + self.warmups.get(name, []))
