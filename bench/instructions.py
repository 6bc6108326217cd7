"""CPU per request as a count of instructions under valgrind, which machine load does not move.

`time.process_time` of the same code moved by ±30 % between runs on this shared machine; the
instructions a request executes move by 1 to 1.5 %. Each case runs in a child process under
callgrind: every app is built and warmed up alike, uninstrumented, then counting starts and
`REQUESTS` requests of one case run (or none, the baseline); the difference over the baseline, per
request, is the case's count. The count is
converted to µs at the scale the bench used since 2026-12-01: bare Flask's 370,416 instructions
a request = 42 µs (what `time.process_time` gave on an idle machine).

Usage: python -m bench.instructions [--requests 500]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

__all__ = ["CASES", "REQUESTS", "US_PER_INSTRUCTION", "available", "count", "per_request_us"]

REQUESTS = 500
WARMUP = 300
US_PER_INSTRUCTION = 42 / 370_416
_COLLECTED = re.compile(rb"Collected : (\d+)")
_BASELINE = "none"
CASES = ("authorization", "me", "me-refused", "authorization-logged", "me-logged", "bare")


def available() -> bool:
    return shutil.which("valgrind") is not None


def per_request_us(requests: int = REQUESTS, cases: Sequence[str] = CASES) -> dict[str, dict[str, float]]:
    """{case: {"instructions": per request, "us": at the bench's scale}} for the hotpath cases named."""
    names = [_BASELINE, *cases]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        totals = dict(zip(names, pool.map(lambda name: count(name, requests), names), strict=True))
    baseline = totals.pop(_BASELINE)
    return {
        name: {
            "instructions": round((total - baseline) / requests),
            "us": round((total - baseline) / requests * US_PER_INSTRUCTION, 1),
        }
        for name, total in totals.items()
    }


def count(case: str, requests: int) -> int:
    """Instructions of a whole child process that warms every case up, then calls `case` `requests` times."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        "--instr-atstart=no",  # start-up and warm-up run uninstrumented, 4 times faster
        sys.executable,
        "-m",
        "bench.instructions",
        "--child",
        case,
        "--requests",
        str(requests),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, env=env, check=False, timeout=1800)  # noqa: S603 - fixed arguments
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        tail = done.stderr.decode(errors="replace")[-2000:]
        raise RuntimeError(f"callgrind run of {case!r} failed (exit {done.returncode}):\n{tail}")
    return int(found.group(1))


def _child(case_name: str, requests: int) -> None:
    from . import hotpath

    with tempfile.TemporaryDirectory(prefix="authcontract-bench-") as scratch:
        cases = {case.name: case for case in hotpath.cases(Path(scratch), logged=True)}
        for case in cases.values():
            for _ in range(WARMUP):
                case.call()
        _instrument_from_here()
        if case_name != _BASELINE:
            chosen = cases[case_name]
            for _ in range(requests):
                chosen.call()


def _instrument_from_here() -> None:
    """Counting starts now: callgrind_control asks the valgrind running this process (through vgdb)."""
    command = ["callgrind_control", "--instr=on", str(os.getpid())]
    subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603 - fixed arguments


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.instructions", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--cases", nargs="+", choices=CASES, default=CASES)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.requests)
        return 0
    if not available():
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    for name, figures in per_request_us(args.requests, args.cases).items():
        print(f"{name:>14}: {figures['instructions']:>9,} instructions  {figures['us']:6.1f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
