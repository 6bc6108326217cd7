"""Locust as a process of its own: the command lines `authcontract load` starts, and their run.

This process never imports Locust (it would monkey-patch it with gevent). A run goes through the
commands' one child runner (authcontract/child.py): its output relayed redacted, killed if it
outlives its bound; on Ctrl-C (the terminal's reached Locust too) it is waited for while it stops
and writes its reports.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO

from contract_tests.exits import Exit

from ..child import run_child
from .arguments import DEFAULT_RUN_TIME, run_seconds

__all__ = ["LOCUSTFILE", "locust_command", "run_locust", "worker_command"]

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
STOP_SECONDS = 15  # what Locust may take to stop once terminated, before it is killed


def locust_command(args: argparse.Namespace, base_url: str, summary: Path, work: Path) -> list[str]:
    """A local run or a master: headless with its run time, or the web UI on the loopback."""
    users = str(args.users)
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--host", base_url]
    command += ["--users", users, "--spawn-rate", str(args.spawn_rate or args.users)]
    command += ["--contract-summary", str(summary), "--only-summary", "--json-file", str(work / "stats")]
    # the run time counts once every user is up (run_time.py), never Locust's --run-time
    seconds = str(run_seconds(args.run_time or DEFAULT_RUN_TIME))
    if args.web:
        command += ["--web-host", "127.0.0.1", "--web-port", str(args.web_port), "--loglevel", "INFO"]
        if args.run_time is not None:
            command += ["--autostart", "--contract-run-time", seconds]
    else:
        command += ["--headless", "--contract-run-time", seconds]
        command += ["--loglevel", "INFO" if args.master else "WARNING"]
    if args.master:
        command += [
            "--master",
            "--master-bind-host",
            args.master_bind_host,
            "--master-bind-port",
            str(args.master_port),
        ]
        command += ["--expect-workers", str(args.expect_workers), "--expect-workers-max-wait", "60"]
    if args.html is not None:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        command += ["--html", str(args.html)]
    return command


def worker_command(args: argparse.Namespace) -> list[str]:
    return [
        *(sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--worker"),
        *("--master-host", args.master_host, "--master-port", str(args.master_port), "--loglevel", "INFO"),
    ]


def run_locust(command: list[str], env: dict[str, str], err: IO[str], *, timeout: float | None) -> int:
    """Run Locust to its end, its output forwarded redacted; stopped (no verdict) past `timeout` s."""
    from contract_tests.redaction import redact

    ended = run_child(command, env, err, redact, limit=timeout, on_interrupt="finish", grace=STOP_SECONDS)
    if ended.overran:
        err.write(f"authcontract load: Locust still ran {timeout:.0f} s after its start; stopped\n")
        return int(Exit.NO_VERDICT)
    return ended.code
