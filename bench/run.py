"""`make bench`: the mock against a bare Flask endpoint on the same server, in one run.

Requests/s and p99 for (a) POST /authorization, (b) GET /me with a valid token and (c) a bare
Flask JSON endpoint, round-robin, medians of 3; the ratios (a)/(c) and (b)/(c); the worker
processes' memory before and after a million tokens issued over HTTP; the contract suite's wall
time (bench/suite_time.py); the CPU cost of each request in one process (bench/hotpath.py), and
its count of instructions under callgrind (bench/instructions.py), which machine load does not
move. Where a ratio misses its target, pyinstrument profiles the hot path. Writes
bench/results/latest.md and .json, and profile.md when it profiled.

Usage: python -m bench.run [--rounds 3] [--tokens 1000000] [--profile auto|always|never]
"""

from __future__ import annotations

import argparse
import math
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from . import hotpath, instructions, report, suite_time
from .client import fetch_token
from .machine import describe, load_average
from .measure import RoundRobin, Shape
from .memory import directory_bytes, store_directory, workers_rss_mib
from .results import RESULTS_DIR, write_results
from .servers import LOGGED, ROOT, bare_load, bare_server, mock_loads, mock_server, refused_me_load
from .wrk import Load, run_wrk

__all__ = ["CEILING_TARGETS", "RATIO_TARGETS", "issue_tokens", "main"]

RATIO_TARGETS = {"authorization": 0.6, "me": 0.9}
# issue 29: (load, yardstick, at least): /me beside the ceiling (a WSGI app that only answers, on the
# same server), quiet and as `make run` logs; a refused /me beside an accepted one
CEILING_TARGETS = {
    "(b) GET /me, --quiet / the WSGI ceiling": ("me", "wsgi", 0.6),
    "(b') GET /me, as make run logs / the WSGI ceiling": ("me_logged", "wsgi", 0.5),
    "refused GET /me / (b) accepted, --quiet": ("me_refused", "me", 0.8),
}
CHUNK_S = 60


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    shape = Shape(args.rounds, args.warmup, args.seconds)
    machine = describe()
    with tempfile.TemporaryDirectory(prefix="authcontract-bench-") as scratch:
        measured = measure_servers(Path(scratch), shape, args.tokens)
        print(f"contract suite, {args.suite_runs} runs; then the CPU cost per request", flush=True)
        measured["suite"] = suite_time.measure(args.suite_runs)
        cases = hotpath.cases(Path(scratch))
        measured["cpu_us_per_request"] = {case.name: round(hotpath.cost_us(case), 1) for case in cases}
        measured["refused_me_cpu_ratio"] = round(hotpath.refusal_ratio(measured["cpu_us_per_request"]), 2)
        if instructions.available():
            print("counting instructions per request under callgrind", flush=True)
            measured["instructions"] = instructions.per_request_us()
        machine["load average at end"] = load_average()
        payload, markdown = report.bench(machine, shape, measured, RATIO_TARGETS)
        markdown += (
            f"\n\nRefused GET /me (an unknown token) in one process: {measured['refused_me_cpu_ratio']:.2f} "
            f"times the CPU of an accepted one (target at most {hotpath.REFUSAL_TARGET}; "
            "`python -m bench.hotpath` measures this part alone)."
        )
        path = write_results(args.name, payload, markdown)
        wanted = _to_profile(args.profile, measured["ratios"])
        if wanted:
            print(f"profiling {', '.join(wanted)} with pyinstrument", flush=True)
            costs = measured["cpu_us_per_request"]
            profiles = {
                case.name: hotpath.profile(case, costs[case.name]) for case in cases if case.name in wanted
            }
            profile_name = "profile.md" if args.name == "latest" else f"{args.name}-profile.md"
            (RESULTS_DIR / profile_name).write_text(report.profiles(machine, profiles), encoding="utf-8")
    print(f"\n{markdown}\nwritten: {path.relative_to(ROOT)} and .json" + (" and a profile" if wanted else ""))
    return 0


def measure_servers(scratch: Path, shape: Shape, tokens: int) -> dict[str, Any]:
    """Everything measured while the mock and the bare app run; both are stopped on any exit."""
    with ExitStack() as stack:
        mock = stack.enter_context(mock_server(scratch))
        logged = stack.enter_context(mock_server(scratch, quiet=False))
        bare = stack.enter_context(bare_server(scratch))
        ceiling = stack.enter_context(bare_server(scratch, "wsgi"))
        token = fetch_token(f"{mock.url}/authorization")
        authorization, me = mock_loads(mock.url, token)
        as_make_run = mock_loads(logged.url, fetch_token(f"{logged.url}/authorization"), LOGGED)
        yardsticks = (bare_load(bare.url), bare_load(ceiling.url, "wsgi"))
        loads = (authorization, me, refused_me_load(mock.url, token), *as_make_run, *yardsticks)
        print("settling: 2 s of each load, then the memory baseline", flush=True)
        for load in loads:
            run_wrk(load, 2)
        before = workers_rss_mib(mock.pid)
        robin = RoundRobin(shape)
        summaries = robin.run(loads)
        issued = robin.answered("authorization")
        print(f"issuing tokens up to {tokens:,} ({issued:,} so far)", flush=True)
        issued += issue_tokens(authorization, tokens - issued, summaries["authorization"].rps)
        after = workers_rss_mib(mock.pid)
        store = store_directory(min(after))
        store_mib = round(directory_bytes(store) / 2**20, 1) if store else None
    memory = {
        "tokens_issued": issued,
        "workers_rss_mib_before": {str(pid): round(mib, 1) for pid, mib in before.items()},
        "workers_rss_mib_after": {str(pid): round(mib, 1) for pid, mib in after.items()},
        "growth_mib": round(sum(after.values()) - sum(before.values()), 1),
        "store_dir_mib_after": store_mib,
    }
    ratios = {name: summaries[name].rps / summaries["bare"].rps for name in RATIO_TARGETS}
    yardstick_ratios = {
        title: {"value": round(summaries[ours].rps / summaries[yardstick].rps, 3), "at_least": bound}
        for title, (ours, yardstick, bound) in CEILING_TARGETS.items()
    }
    loads_out = {name: summary.to_dict() for name, summary in summaries.items()}
    return {"loads": loads_out, "ratios": ratios, "ceiling": yardstick_ratios, "memory": memory}


def issue_tokens(load: Load, count: int, rate: float) -> int:
    """POST /authorization until `count` more tokens were answered 200, counted by wrk's totals."""
    issued = 0
    while issued < count:
        seconds = max(1, min(CHUNK_S, math.ceil((count - issued) / max(rate, 1.0))))
        run = run_wrk(load, seconds)
        issued += run.ok
        rate = run.rps
        print(f"  {issued:,} of {count:,} tokens ({run.rps:,.0f}/s)", flush=True)
    return issued


def _to_profile(choice: str, ratios: dict[str, float]) -> list[str]:
    if choice == "always":
        return list(RATIO_TARGETS)
    if choice == "never":
        return []
    return [name for name, ratio in ratios.items() if ratio < RATIO_TARGETS[name]]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before each measured run")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of each measured run")
    parser.add_argument("--tokens", type=int, default=1_000_000, help="tokens to issue for the memory figure")
    parser.add_argument("--suite-runs", type=int, default=3)
    parser.add_argument("--profile", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--name", default="latest", help="results file name under bench/results/")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
