"""Several loads measured in one run: round-robin, each run after its own warm-up, medians.

Round-robin (a, b, c, b, c, a, c, a, b, ...) rather than all of a then all of b, so that a drift of
the machine during the run (another tenant, thermal limits, a growing state) falls on every load
alike and the ratios between them stay fair; each round starts one load further on, so that no load
always follows the same other (a server still busy with its last load's connections, or its JIT).
Before the rounds, `Settling` loads each server until its throughput stops rising.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .wrk import Load, Summary, WrkRun, run_wrk, summarize

__all__ = ["RoundRobin", "Settled", "Settling", "Shape"]


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
            start = (round_number - 1) % len(loads)
            for load in [*loads[start:], *loads[:start]]:
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


@dataclass(frozen=True)
class Settled:
    """How a load's server settled: requests/s of each window, and whether they stopped rising."""

    name: str
    windows_rps: tuple[float, ...]
    window_s: int
    steady: bool

    @property
    def seconds(self) -> int:
        return len(self.windows_rps) * self.window_s


@dataclass(frozen=True)
class Settling:
    """Load each server in windows until its throughput stops rising, the same rule for every server.

    A JVM compiles its hot code for minutes under load; measured before that, a peer is slower than
    what a user's long test run sees, which flatters the mock. Steady: the median of the last three
    windows no more than `rise` above the median of the three before, after `at_least_s`. A rise
    can pause: alone under load, WireMock held near 2,300 requests/s from 50 to 110 s, then went to
    5,800-8,800, so a server known to do that needs a longer `at_least_s` than the rule alone.
    """

    window_s: int = 5
    at_least_s: int = 30
    at_most_s: int = 360
    rise: float = 0.05

    def steady(self, windows_rps: Sequence[float]) -> bool:
        if len(windows_rps) < 6 or len(windows_rps) * self.window_s < self.at_least_s:
            return False
        recent, before = statistics.median(windows_rps[-3:]), statistics.median(windows_rps[-6:-3])
        return recent <= before * (1 + self.rise)

    def settle(
        self,
        load: Load,
        run: Callable[[Load, int], WrkRun] | None = None,
        progress: Callable[[str], None] = print,
    ) -> Settled:
        """Windows of `run(load, window_s)` until steady or `at_most_s`. An answer of 400 or more
        stops the bench; a socket the server dropped while warming up (WireMock's JVM did, 2 in
        35,000 requests) is only reported: the measured runs after it still refuse any."""
        run = run or _unchecked
        windows: list[float] = []
        while not self.steady(windows) and len(windows) * self.window_s < self.at_most_s:
            window = run(load, self.window_s)
            if window.unexpected(load):
                kind = "below 400 where a refusal was asked for" if load.refused else "of status 400 or more"
                raise RuntimeError(f"{load.name}: {window.unexpected(load)} answers {kind} while settling")
            if window.socket_errors:
                dropped = f"{window.socket_errors} socket errors in {window.requests} requests"
                progress(f"  {load.name}: {dropped} while settling")
            windows.append(window.rps)
        settled = Settled(load.name, tuple(windows), self.window_s, self.steady(windows))
        verdict = "steady" if settled.steady else "still rising"
        progress(
            f"settled {load.name}: {settled.seconds} s, {verdict}, last windows {_rates(windows[-3:])} req/s"
        )
        return settled


def _unchecked(load: Load, seconds: int) -> WrkRun:
    return run_wrk(load, seconds, check=False)


def _rates(values: Sequence[float]) -> str:
    return ", ".join(f"{value:,.0f}" for value in values)
