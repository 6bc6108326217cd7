"""Serve the bare apps (or, for tuning runs, the mock) with granian as mockserver/serving/serve.py does.

The same interface (WSGI), factory, worker count (one per core unless told), address and
access log as `python -m mockserver`; the optional knobs (blocking threads, backpressure,
runtime threads) exist only so that bench/tuning.py can try them. With `--app mock` the
workers get their settings as MOCKSERVER_* variables, through mockserver.serving.serve, and share a
private file store, as `python -m mockserver` sets them up.

Usage: python -m bench.serve_granian --app bare|wsgi|mock --port P [--workers N] [tuning flags]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
from collections.abc import Sequence
from typing import Any

from mockserver.serving.lifetime import die_with_parent
from mockserver.serving.serve import MOCK_TARGET, granian_arguments, prepare_worker_environment, shared_store
from mockserver.settings import Settings

from . import bare_app

__all__ = ["TARGETS", "bare_worker", "main", "wsgi_worker"]

TARGETS = {
    "bare": "bench.serve_granian:bare_worker",
    "wsgi": "bench.serve_granian:wsgi_worker",
    "mock": MOCK_TARGET,
}
TUNING = ("blocking_threads", "backpressure", "runtime_threads")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.serve_granian")
    parser.add_argument("--app", choices=sorted(TARGETS), default="bare")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=0)
    for name in TUNING:
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, dest=name)
    args = parser.parse_args(argv)
    workers = args.workers or os.cpu_count() or 1
    arguments = granian_arguments(args.host, args.port, workers, TARGETS[args.app])
    arguments.update({name: getattr(args, name) for name in TUNING if getattr(args, name) is not None})
    if args.app != "mock":
        _serve(arguments)
        return 0
    # The quiet mock, its workers sharing a private store as under `python -m mockserver`.
    with shared_store(Settings(log_requests=False), workers) as settings:
        prepare_worker_environment(settings)
        _serve(arguments)
    return 0


def bare_worker() -> Any:
    """A granian worker's bare Flask app; the worker dies with granian's main process, as the mock's do
    (the ceiling's workers were once found serving on after a bench run)."""
    _die_with_granian()
    return bare_app.create_app()


def wsgi_worker() -> Any:
    """A granian worker's ceiling app, tied to granian's main process as `bare_worker` is."""
    _die_with_granian()
    return bare_app.create_wsgi_app()


def _die_with_granian() -> None:
    parent = multiprocessing.parent_process()
    die_with_parent(parent.pid if parent is not None else None)


def _serve(arguments: dict[str, Any]) -> None:
    from granian import Granian

    Granian(**arguments).serve()


if __name__ == "__main__":
    raise SystemExit(main())
