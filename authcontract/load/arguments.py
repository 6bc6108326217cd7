"""The command line of `authcontract load`: the target's settings (from the one table) and Locust's own.

The target's flags come from contract_tests/options.py, like `check`'s and `compare`'s; the rest
(users, spawn rate, run time, web UI, master and workers, reports) are the run's.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from contract_tests.options import LOAD
from contract_tests.surfaces import add_arguments as add_target_arguments

__all__ = ["DEFAULT_RUN_TIME", "add_arguments", "run_seconds"]

DEFAULT_RUN_TIME = "30s"
_TIMESPAN = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser, LOAD)
    add = parser.add_argument
    add("-u", "--users", type=_positive_int, default=10, help="concurrent users (default 10)")
    add(
        "-r",
        "--spawn-rate",
        type=float,
        metavar="RATE",
        help="users started per second (default: all at once)",
    )
    add(
        "-t",
        "--run-time",
        metavar="TIME",
        help=f"how long: 30s, 5m, 1h30m (default {DEFAULT_RUN_TIME}; with --web: until stopped there)",
    )
    add("--web", action="store_true", help="Locust's web UI on 127.0.0.1 instead of a headless run")
    add("--web-port", type=int, default=8089, help="the web UI's port (default 8089)")
    role = parser.add_mutually_exclusive_group()
    role.add_argument(
        "--master", action="store_true", help="a Locust master: workers connect and send the load"
    )
    role.add_argument("--worker", action="store_true", help="a Locust worker of the master at --master-host")
    add("--master-host", default="127.0.0.1", help="the master a worker connects to (default 127.0.0.1)")
    add("--master-port", type=int, default=5557, help="the master's port (default 5557)")
    add(
        "--master-bind-host",
        default="127.0.0.1",
        help="the interface a master listens on (default 127.0.0.1; workers on other hosts need one they "
        "reach, on a network you trust: they take their target from the master)",
    )
    add(
        "--expect-workers",
        type=_positive_int,
        default=1,
        help="workers a headless master waits for (default 1)",
    )
    add("--html", type=Path, metavar="FILE", help="write Locust's HTML report (redacted)")
    add(
        "--junitxml", type=Path, metavar="FILE", help="write a JUnit XML file, one test per clause (redacted)"
    )
    add("--json", type=Path, metavar="FILE", help="write the summary as JSON (redacted)")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def run_seconds(text: str) -> int:
    """Locust's time span (`90`, `30s`, `5m`, `1h30m`) in seconds, or a ValueError naming the option."""
    if text.isdigit():
        return int(text)
    found = _TIMESPAN.fullmatch(text)
    if not text or found is None or not any(found.groups()):
        raise ValueError(f"--run-time must be a time span like 30s, 5m or 1h30m, got {text!r}")
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    return hours * 3600 + minutes * 60 + seconds
