"""Serve the bare app (or, for tuning runs, the mock) with granian as mockserver/serve.py does.

The same interface (WSGI), factory, worker count (one per core unless told), address and
access log as `python -m mockserver`; the optional knobs (blocking threads, backpressure,
runtime threads) exist only so that bench/tuning.py can try them. With `--app mock` the
workers get their settings as MOCKSERVER_* variables, through mockserver.serve, and share a
private file store, as `python -m mockserver` sets them up.

Usage: python -m bench.serve_granian --app bare|mock --port P [--workers N] [tuning flags]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Sequence
from typing import Any

from mockserver.serve import settings_environment
from mockserver.settings import Settings

__all__ = ["TARGETS", "granian_arguments", "main"]

TARGETS = {"bare": "bench.bare_app:create_app", "mock": "mockserver.wsgi:app_from_environment"}
TUNING = ("blocking_threads", "backpressure", "runtime_threads")


def granian_arguments(app: str, host: str, port: int, workers: int, **tuning: int | None) -> dict[str, Any]:
    """The keyword arguments of Granian(): mockserver/serve.py's, plus whichever knobs are set."""
    from granian.constants import Interfaces

    arguments: dict[str, Any] = {
        "target": TARGETS[app],
        "factory": True,
        "address": host,
        "port": port,
        "interface": Interfaces.WSGI,
        "workers": workers or os.cpu_count() or 1,
        "log_access": False,
    }
    arguments.update({name: value for name, value in tuning.items() if value is not None})
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.serve_granian")
    parser.add_argument("--app", choices=sorted(TARGETS), default="bare")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=0)
    for name in TUNING:
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, dest=name)
    args = parser.parse_args(argv)
    tuning = {name: getattr(args, name) for name in TUNING}
    arguments = granian_arguments(args.app, args.host, args.port, args.workers, **tuning)
    private_dir = _mock_environment(arguments["workers"]) if args.app == "mock" else None
    try:
        from granian import Granian

        Granian(**arguments).serve()
    finally:
        if private_dir is not None:
            shutil.rmtree(private_dir, ignore_errors=True)
    return 0


def _mock_environment(workers: int) -> str | None:
    """The quiet mock's settings for the workers; a private file store when there are several."""
    settings = Settings(log_requests=False)
    private_dir = None
    if workers > 1:
        private_dir = tempfile.mkdtemp(prefix="authcontract-state-")
        settings = settings.replace(store=f"file://{private_dir}")
    os.environ.update(settings_environment(settings))
    return private_dir


if __name__ == "__main__":
    raise SystemExit(main())
