"""`authcontract load`: Locust drives the platform (or the bundled mock) and every answer is judged.

This process never imports Locust (it would monkey-patch it with gevent): it checks the settings
with the suite's own rules, starts the bundled mock when no platform is named, makes sure the
target answers and takes the credentials, then runs Locust on the packaged locustfile in a process
of its own, forwards its log lines redacted, and reads the summary the Locust master wrote. Exit
status: 0 the contract held, 1 a contract or rfc clause was broken, 2 no verdict (bad settings,
unreachable target, credentials refused, nothing judged).
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from ..check import environment

if TYPE_CHECKING:
    from contract_tests.settings import ContractSettings

__all__ = [
    "EXIT_NO_VERDICT",
    "LOCUSTFILE",
    "add_arguments",
    "contract_environment",
    "run_load",
    "run_seconds",
]

EXIT_NO_VERDICT = 2
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
SETTLE_SECONDS = 120  # what a headless run may take beyond its run time: start-up, stop, last reports
STOP_SECONDS = 15
DEFAULT_RUN_TIME = "30s"
PASSED_ON = ("base_url", "protected_path", "token_path", "credentials_in", "timeout", "allow_http")
_TIMESPAN = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--base-url", help="the platform to load (also CONTRACT_BASE_URL); none: the bundled mock, served")
    add("--protected-path", help="a GET path that answers 2xx to a valid token (CONTRACT_PROTECTED_PATH)")
    add("--token-path", help="the token endpoint (CONTRACT_TOKEN_PATH, default /authorization)")
    add("--credentials-in", choices=("form", "json", "query"), help="how credentials are sent (default form)")
    add(
        "--timeout", metavar="SECONDS", help="how long each HTTP call may take (CONTRACT_TIMEOUT, default 10)"
    )
    add("--profile", type=Path, metavar="FILE", help="TOML file of contract settings (a [contract] table)")
    add("--allow-http", action="store_true", help="allow plain http off the loopback (CONTRACT_ALLOW_HTTP)")
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


def contract_environment(settings: ContractSettings) -> dict[str, str]:
    """The resolved settings as CONTRACT_* variables: how the Locust processes receive them, never as
    arguments (those show in process lists). A profile's credentials travel the same way."""
    from urllib.parse import urlencode

    from contract_tests.redaction import Secret

    found: dict[str, str] = {}
    for name in (
        "base_url",
        "username",
        "password",
        "token_path",
        "credentials_in",
        "protected_path",
        "timeout",
        "allow_http",
    ):
        value: Any = getattr(settings, name)
        if value is None:
            continue
        found[f"CONTRACT_{name.upper()}"] = value.reveal() if isinstance(value, Secret) else str(value)
    if settings.token_params:
        found["CONTRACT_TOKEN_PARAMS"] = urlencode(settings.token_params)
    return found


def run_load(
    args: argparse.Namespace, *, environ: Mapping[str, str], stdin: IO[str], out: IO[str], err: IO[str]
) -> int:
    from contract_tests.redaction import redact, register
    from contract_tests.settings import ConfigError, load_settings

    from .report import read_summary

    env = environment(args.base_url, args.profile, environ, stdin)
    register(env.get("CONTRACT_PASSWORD"))
    try:
        seconds = run_seconds(args.run_time or DEFAULT_RUN_TIME)
        if args.spawn_rate is not None and not args.spawn_rate > 0:
            raise ValueError("--spawn-rate must be more than 0 users per second")
        options = {name: getattr(args, name) for name in PASSED_ON}
        settings = load_settings(environ=env, options=options, profile=args.profile)
    except (ConfigError, ValueError) as error:
        err.write(f"authcontract load: {redact(str(error))}\n")
        return EXIT_NO_VERDICT
    child_env = {
        **{name: value for name, value in env.items() if not name.startswith("CONTRACT_")},
        **contract_environment(settings),
        "PYTHONUNBUFFERED": "1",
    }
    with _terminated_on_sigterm(), ExitStack() as stack:
        if args.worker:
            if settings.base_url is None:
                err.write(
                    "authcontract load: a worker needs --base-url or CONTRACT_BASE_URL (its only target)\n"
                )
                return EXIT_NO_VERDICT
            code = _locust(_worker_command(args), child_env, err, timeout=None)
            return 0 if code == 0 else EXIT_NO_VERDICT
        try:
            base_url = settings.base_url or stack.enter_context(_bundled_mock())
        except RuntimeError as error:
            err.write(f"authcontract load: {redact(str(error))}\n")
            return EXIT_NO_VERDICT
        problem = _preflight(settings, base_url)
        if problem is not None:
            err.write(f"authcontract load: {redact(problem)}\n")
            return EXIT_NO_VERDICT
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="authcontract-load-")))
        summary_path = work / "summary.json"
        command = _locust_command(args, base_url, summary_path, work)
        ramp = args.users / (args.spawn_rate or args.users)
        code = _locust(command, child_env, err, timeout=None if args.web else seconds + ramp + SETTLE_SECONDS)
        if not summary_path.is_file():
            err.write(f"authcontract load: Locust ended (exit {code}) without a summary: no verdict\n")
            return EXIT_NO_VERDICT
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
    """Why no load should be sent (nothing answers; the credentials are refused), or None.

    A 429, 502, 503 or 504 here is no reason: under load it is a target error like any other.
    """
    from contract_tests.checks import carries_token, json_body, status_text
    from contract_tests.client import ContractClient, TargetUnavailable, TargetUnreachable
    from contract_tests.login import Login
    from contract_tests.plugin import MOCK_PASSWORD, MOCK_PROTECTED_PATH, MOCK_USERNAME
    from contract_tests.redaction import Secret

    client = ContractClient(base_url, timeout=settings.timeout, verify=settings.verify)
    login = Login(
        settings.token_path,
        settings.credentials_in,
        settings.token_params,
        settings.username or Secret(MOCK_USERNAME),
        settings.password or Secret(MOCK_PASSWORD),
    )
    try:
        client.get(settings.protected_path or MOCK_PROTECTED_PATH)
        reply = login.send(client)
    except TargetUnavailable:
        return None
    except TargetUnreachable as error:
        return str(error)
    finally:
        client.close()
    if 400 <= reply.status_code < 500 and not carries_token(json_body(reply)):
        return (
            f"the platform refused the configured credentials ({status_text(reply)}): check "
            "CONTRACT_USERNAME and CONTRACT_PASSWORD; no load was sent"
        )
    return None


def _locust_command(args: argparse.Namespace, base_url: str, summary: Path, work: Path) -> list[str]:
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


def _worker_command(args: argparse.Namespace) -> list[str]:
    return [
        *(sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--worker"),
        *("--master-host", args.master_host, "--master-port", str(args.master_port), "--loglevel", "INFO"),
    ]


def _locust(command: list[str], env: dict[str, str], err: IO[str], *, timeout: float | None) -> int:
    """Run Locust to its end, its output forwarded redacted; killed if it outlives `timeout`."""
    from contract_tests.redaction import redact

    process = subprocess.Popen(  # noqa: S603 - our own interpreter, running Locust
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def forward() -> None:
        for line in process.stdout or ():
            err.write(redact(line))
            err.flush()

    forwarder = threading.Thread(target=forward, name="locust-output", daemon=True)
    forwarder.start()
    try:
        while True:
            try:
                code = process.wait(timeout=timeout)
                break
            except KeyboardInterrupt:
                continue  # Ctrl-C reached Locust too: it stops, writes its reports and exits
            except subprocess.TimeoutExpired:
                err.write(f"authcontract load: Locust still ran {timeout:.0f} s after its start; stopped\n")
                code = EXIT_NO_VERDICT
                break
    finally:
        _end(process)
        forwarder.join(timeout=5)
    return code


def _end(process: subprocess.Popen[str]) -> None:
    for stop, wait in ((process.terminate, STOP_SECONDS), (process.kill, 5)):
        if process.poll() is not None:
            return
        stop()
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def _terminated_on_sigterm() -> Iterator[None]:
    """SIGTERM ends the run like an error would: Locust and the mock are stopped on the way out."""

    def leave(_signal: int, _frame: FrameType | None) -> None:
        raise SystemExit(EXIT_NO_VERDICT)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
