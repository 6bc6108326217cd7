"""Wall time of the contract suite against the bundled mock: the median of three runs.

Each run is a fresh `python -m pytest contract_tests -q -p no:cacheprovider`, interpreter start
and imports included, as a developer or CI would run it: with Python's bytecode cache, which a
first run writes (its time is reported apart). pytest rewrites the asserts of every module of a
pytest plugin's package, schemathesis and faker whole, and caches them there; this workspace sets
PYTHONDONTWRITEBYTECODE=1, which would leave every run recompiling them, so the variable is
removed. CONTRACT_* variables are removed too, so the suite starts the bundled mock. Each run is
printed with the 1-minute load average at its start: on a shared machine a figure means little
without it.
Usage: python bench/suite_time.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [sys.executable, "-m", "pytest", "contract_tests", "-q", "-p", "no:cacheprovider"]
TARGET_SECONDS = 3.0  # the target for the suite against the bundled mock
NO_BYTECODE = "PYTHONDONTWRITEBYTECODE"


def load_average() -> float:
    """The 1-minute load average, or -1 where the platform has none."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return -1.0


def run_once(environ: dict[str, str]) -> float:
    load = load_average()
    started = time.perf_counter()
    completed = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        COMMAND, cwd=ROOT, env=environ, capture_output=True, text=True, check=False, timeout=300
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        sys.stdout.write(completed.stdout[-3000:] + completed.stderr[-3000:])
        raise SystemExit(f"the contract suite failed (exit {completed.returncode})")
    print(f"  {elapsed:.2f} s (load average {load:.2f})", flush=True)
    return elapsed


def measure(runs: int) -> dict[str, Any]:
    """The median of `runs` after a first run that writes the bytecode cache (timed apart)."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("CONTRACT_") and name != NO_BYTECODE
    }
    first = run_once(environ)
    times = [run_once(environ) for _ in range(runs)]
    return {
        "median_s": round(statistics.median(times), 2),
        "runs_s": [round(t, 2) for t in times],
        "first_run_s": round(first, 2),
    }


def main(runs: int = 3) -> int:
    measured = measure(runs)
    listed = ", ".join(f"{seconds:.2f}" for seconds in measured["runs_s"])
    median = measured["median_s"]
    print(f"contract suite against the bundled mock: median {median:.2f} s of {runs} runs ({listed})")
    print(f"the first run, which writes the bytecode cache: {measured['first_run_s']:.2f} s")
    print(f"target {TARGET_SECONDS:.1f} s: {'within' if median <= TARGET_SECONDS else 'OVER'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
