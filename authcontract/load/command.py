"""`authcontract load`: Locust drives the platform (or the bundled mock) and every answer is judged.

This process never imports Locust (it would monkey-patch it with gevent): it resolves the target
as `check` and `compare` do (authcontract/target.py), starts the bundled mock when no platform is
named, runs the commands' pre-flight on the target, then runs Locust on the packaged locustfile
in a process of its own (locust_process.py), and reads the summary the Locust master wrote. Exit
status: 0 the contract held, 1 a contract or rfc clause was broken, 2 no verdict (bad settings,
unreachable target, credentials refused, nothing judged).
"""

from __future__ import annotations

import argparse
import json
import signal
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from contract_tests.exits import Exit

from ..target import resolve_target
from .arguments import DEFAULT_RUN_TIME, add_arguments, run_seconds
from .locust_process import LOCUSTFILE, locust_command, run_locust, worker_command

if TYPE_CHECKING:
    from contract_tests.settings import ContractSettings

__all__ = ["LOCUSTFILE", "add_arguments", "run_load", "run_seconds"]

SETTLE_SECONDS = 120  # what a headless run may take beyond its run time: start-up, stop, last reports
NO_VERDICT = int(Exit.NO_VERDICT)


def run_load(
    args: argparse.Namespace, *, environ: Mapping[str, str], stdin: IO[str], out: IO[str], err: IO[str]
) -> int:
    from contract_tests.redaction import redact
    from contract_tests.settings import ConfigError
    from contract_tests.surfaces import child_environment

    from .report import read_summary

    try:
        seconds = run_seconds(args.run_time or DEFAULT_RUN_TIME)
        if args.spawn_rate is not None and not args.spawn_rate > 0:
            raise ValueError("--spawn-rate must be more than 0 users per second")
        resolved = resolve_target(args, environ, stdin)
    except (ConfigError, ValueError) as error:
        err.write(f"authcontract load: {redact(str(error))}\n")
        return NO_VERDICT
    settings = resolved.settings
    child_env = {  # the resolved settings travel as CONTRACT_* variables, never as arguments
        **{name: value for name, value in resolved.env.items() if not name.startswith("CONTRACT_")},
        **child_environment(settings),
        "PYTHONUNBUFFERED": "1",
    }
    with _terminated_on_sigterm(), ExitStack() as stack:
        if args.worker:
            if settings.base_url is None:
                err.write(
                    "authcontract load: a worker needs --base-url or CONTRACT_BASE_URL (its only target)\n"
                )
                return NO_VERDICT
            code = run_locust(worker_command(args), child_env, err, timeout=None)
            return 0 if code == 0 else NO_VERDICT
        try:
            base_url = settings.base_url or stack.enter_context(_bundled_mock())
        except RuntimeError as error:
            err.write(f"authcontract load: {redact(str(error))}\n")
            return NO_VERDICT
        problem = _preflight(settings, base_url)
        if problem is not None:
            err.write(f"authcontract load: {redact(problem)}\n")
            return NO_VERDICT
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="authcontract-load-")))
        summary_path = work / "summary.json"
        command = locust_command(args, base_url, summary_path, work)
        ramp = args.users / (args.spawn_rate or args.users)
        code = run_locust(
            command, child_env, err, timeout=None if args.web else seconds + ramp + SETTLE_SECONDS
        )
        if not summary_path.is_file():
            err.write(f"authcontract load: Locust ended (exit {code}) without a summary: no verdict\n")
            return NO_VERDICT
        summary = read_summary(summary_path, redact)  # values redacted, never the JSON text
    return _report(summary, args, out, redact)


def _report(summary: dict[str, Any], args: argparse.Namespace, out: IO[str], redact: Any) -> int:
    from .report import junit_xml, render_text

    out.write(render_text(summary) + "\n")  # its values were redacted by read_summary, its words are ours
    if args.html is not None and args.html.is_file():
        args.html.write_text(redact(args.html.read_text(encoding="utf-8")), encoding="utf-8")
    if args.junitxml is not None:
        args.junitxml.parent.mkdir(parents=True, exist_ok=True)
        args.junitxml.write_bytes(junit_xml(summary, redact))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return int(summary["exit_code"])


@contextmanager
def _bundled_mock() -> Iterator[str]:
    from mockserver.extras import require

    from .served_mock import served_mock

    require("granian", "serve")  # the mock's multi-worker server; a MissingExtra names the extra
    with served_mock() as url:
        yield url


def _preflight(settings: ContractSettings, base_url: str) -> str | None:
    """Why no load should be sent, in one line, or None: the commands' one pre-flight
    (contract_tests/preflight.py), on the platform or the bundled mock (as its demo user).

    A 429, 502, 503 or 504 here is no reason: under load it is a target error like any other.
    """
    from contract_tests.preflight import SettingsMistake, check_live_settings

    try:
        check_live_settings(settings, time.monotonic, base_url=base_url)
    except SettingsMistake as mistake:
        return f"{mistake}; no load was sent"
    return None


@contextmanager
def _terminated_on_sigterm() -> Iterator[None]:
    """SIGTERM ends the run like an error would: Locust and the mock are stopped on the way out."""

    def leave(_signal: int, _frame: FrameType | None) -> None:
        raise SystemExit(NO_VERDICT)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
