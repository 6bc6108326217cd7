"""Which granian knobs serve the mock fastest here: each setting for the mock and the bare app alike.

granian's defaults let each WSGI worker run up to 128 Python threads (it warns about 256 on two
workers); on two cores they mostly wait for the GIL. This tries fewer blocking threads,
backpressure, runtime threads and worker counts, and writes
bench/results/tuning.md. Not part of `make bench` (about 4 minutes): run it when choosing.

Usage: python -m bench.tuning [--warmup 2] [--seconds 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path

from .client import fetch_token
from .machine import describe, load_average
from .measure import RoundRobin, Shape
from .processes import LOOPBACK, Server, free_port
from .results import RESULTS_DIR, machine_table, markdown_table
from .servers import ROOT, bare_load, mock_loads

__all__ = ["SETTINGS", "main"]

SETTINGS: dict[str, dict[str, int]] = {
    "granian defaults (as mockserver/serve.py)": {},
    "blocking_threads=1": {"blocking_threads": 1},
    "blocking_threads=2": {"blocking_threads": 2},
    "blocking_threads=4": {"blocking_threads": 4},
    "backpressure=4": {"backpressure": 4},
    "blocking_threads=1, runtime_threads=2": {"blocking_threads": 1, "runtime_threads": 2},
    "workers=3, blocking_threads=1": {"workers": 3, "blocking_threads": 1},
    "workers=4, blocking_threads=1": {"workers": 4, "blocking_threads": 1},
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tuning")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args(argv)
    machine = describe()
    rows = []
    with tempfile.TemporaryDirectory(prefix="authcontract-tuning-") as scratch:
        for label, knobs in SETTINGS.items():
            print(label, flush=True)
            rps = measure(Path(scratch), knobs, Shape(args.rounds, args.warmup, args.seconds))
            rows.append([label, *(f"{rps[name]:,.0f}" for name in ("authorization", "me", "bare"))])
            rows[-1] += [f"{rps['authorization'] / rps['bare']:.2f}", f"{rps['me'] / rps['bare']:.2f}"]
    machine["load average at end"] = load_average()
    header = ["granian setting", "(a) /authorization", "(b) /me", "(c) bare", "(a)/(c)", "(b)/(c)"]
    text = "\n\n".join(
        [
            "# granian settings tried (requests/s)",
            f"wrk, 32 connections; each load {args.seconds} s after a {args.warmup} s warm-up; "
            f"medians of {args.rounds} round(s). Each setting applies to the mock and the bare app alike.",
            markdown_table(header, rows),
            machine_table(machine),
        ]
    )
    (RESULTS_DIR / "tuning.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def measure(scratch: Path, knobs: Mapping[str, int], shape: Shape) -> dict[str, float]:
    with ExitStack() as stack:
        mock = stack.enter_context(tuned_server("mock", knobs, scratch))
        bare = stack.enter_context(tuned_server("bare", knobs, scratch))
        authorization, me = mock_loads(mock.url, fetch_token(f"{mock.url}/authorization"))
        summaries = RoundRobin(shape).run([authorization, me, bare_load(bare.url)])
    return {name: summary.rps for name, summary in summaries.items()}


def tuned_server(app: str, knobs: Mapping[str, int], scratch: Path) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "bench.serve_granian", "--app", app, "--host", LOOPBACK]
    command += ["--port", str(port)]
    command += [f"--{name.replace('_', '-')}={value}" for name, value in knobs.items()]
    return Server(app, command, port, scratch / f"{app}.log", cwd=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
