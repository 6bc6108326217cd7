"""Drive a server with wrk, a C load generator, and read its totals from a Lua `done` hook.

Every run uses the same shape (connections, threads, a timeout), so that figures taken in one
run of the bench compare. An answer of status 400 or more makes the run invalid: a fast 401
is no measure of a validated /me.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CONNECTIONS", "LUA_DIR", "Load", "Summary", "WrkRun", "run_wrk", "summarize"]

LUA_DIR = Path(__file__).resolve().parent / "lua"
CONNECTIONS = 32
THREADS = 2  # one per core: wrk shares the machine with the server, as a client on the same host would
_MARKER = "BENCH_RESULT "


@dataclass(frozen=True)
class Load:
    """What to send: a URL, the Lua script that shapes the request, and the script's variables."""

    name: str
    url: str
    script: str
    variables: Mapping[str, str] = field(default_factory=dict)
    refused: bool = False  # every answer must be a refusal (status 400 or more): a refused /me


@dataclass(frozen=True)
class WrkRun:
    requests: int
    duration_s: float
    http_errors: int
    socket_errors: int
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s

    @property
    def ok(self) -> int:
        return self.requests - self.http_errors

    def unexpected(self, load: Load) -> int:
        """Answers not of the kind the load asks for: 400 or more, or below 400 for a refused load."""
        return self.ok if load.refused else self.http_errors


@dataclass(frozen=True)
class Summary:
    """The medians of the measured runs (warm-ups excluded)."""

    rps: float
    p99_ms: float
    p50_ms: float
    runs_rps: tuple[float, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "rps_median": round(self.rps, 1),
            "p99_ms_median": round(self.p99_ms, 2),
            "p50_ms_median": round(self.p50_ms, 2),
            "rps_runs": [round(value, 1) for value in self.runs_rps],
        }


def run_wrk(load: Load, seconds: int, *, connections: int = CONNECTIONS, check: bool = True) -> WrkRun:
    """One wrk run; raises if wrk fails or (with check) if any answer was 4xx or 5xx or a socket failed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed (Debian package wrk; `make bench` installs it)")
    command = [wrk, f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    command += ["-s", str(LUA_DIR / load.script), load.url]
    environ = {**os.environ, "BENCH_LUA_DIR": str(LUA_DIR), **load.variables}
    completed = subprocess.run(  # noqa: S603 - wrk with fixed arguments
        command, env=environ, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    run = _parse(completed.stdout, completed.stderr, load.name)
    if check and (run.unexpected(load) or run.socket_errors):
        kind = "below 400 where a refusal was asked for" if load.refused else "of status 400 or more"
        raise RuntimeError(
            f"{load.name}: {run.unexpected(load)} answers {kind} and {run.socket_errors} "
            f"socket errors in {run.requests} requests; the figures would not measure what they claim"
        )
    return run


def summarize(runs: Sequence[WrkRun]) -> Summary:
    return Summary(
        rps=statistics.median(run.rps for run in runs),
        p99_ms=statistics.median(run.p99_ms for run in runs),
        p50_ms=statistics.median(run.p50_ms for run in runs),
        runs_rps=tuple(run.rps for run in runs),
    )


def _parse(stdout: str, stderr: str, name: str) -> WrkRun:
    lines = [line for line in stdout.splitlines() if line.startswith(_MARKER)]
    if not lines:
        raise RuntimeError(f"{name}: wrk printed no result\n{stdout[-1500:]}\n{stderr[-1500:]}")
    raw = json.loads(lines[-1][len(_MARKER) :])
    return WrkRun(
        requests=raw["requests"],
        duration_s=raw["duration_us"] / 1e6,
        http_errors=raw["http_errors"],
        socket_errors=raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"],
        p50_ms=raw["latency_p50_us"] / 1000,
        p99_ms=raw["latency_p99_us"] / 1000,
    )
