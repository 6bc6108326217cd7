"""`authcontract load` end to end: real Locust runs in subprocesses, short, headless, on loopback only.

Targets: the bundled mock (served with granian by the command itself), a mock with injected faults,
a platform that repeats secrets back (platforms.py), and a platform that hands out the same token
twice when two logins overlap, loaded by a Locust master with two workers. Every process a test
starts is stopped by it: the command stops its own Locust and mock on SIGTERM, and the group is
killed after that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from xml.etree import ElementTree

import pytest
from flask import Flask, Response, jsonify, request

from authcontract.load.clauses import CLAUSES
from mockserver import MockServer, Settings

from .platforms import LeakyPlatform, leaky_app
from .test_check import secret_forms

pytestmark = pytest.mark.processes  # every test here starts a process

RUN_TIMEOUT = 120  # seconds: a run that hangs fails its test; normal runs take a fraction of it
STOP_TIMEOUT = 30


def _environment(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "PYTEST_", "LOCUST_"))}
    return {**base, **extra}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM first (the command then stops its Locust and its mock), then the whole group."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@contextmanager
def _started(args: list[str], env: dict[str, str], log: TextIO) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "authcontract", "load", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        _stop(process)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def load(*args: str, env: dict[str, str]) -> Run:
    process = subprocess.Popen(
        [sys.executable, "-m", "authcontract", "load", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
    finally:
        _stop(process)
    return Run(process.returncode, stdout, stderr)


def _clauses(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in summary["clauses"]}


def _live(url: str, username: str = "demo", password: str = "demo-password") -> dict[str, str]:  # noqa: S107
    return _environment(
        CONTRACT_BASE_URL=url,
        CONTRACT_USERNAME=username,
        CONTRACT_PASSWORD=password,
        CONTRACT_PROTECTED_PATH="/me",
        CONTRACT_TIMEOUT="20",
    )


# --- the bundled mock ---------------------------------------------------------------------------------


def test_the_bundled_mock_keeps_the_contract_under_load(tmp_path: Path) -> None:
    html, junit, summary_file = tmp_path / "load.html", tmp_path / "load.xml", tmp_path / "load.json"
    run = load(
        *("--users", "20", "--spawn-rate", "20", "--run-time", "5s"),
        *("--html", str(html), "--junitxml", str(junit), "--json", str(summary_file)),
        env=_environment(),
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "requests/s; latency ms: p50 " in run.stdout
    assert run.stdout.rstrip().endswith("0 violations: KEPT under load")
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    clauses = _clauses(summary)
    for clause_id in (
        "login_answers_json_token",
        "fresh_token_is_accepted",
        "token_lives_its_announced_lifetime",
        "every_refusal_has_a_bearer_challenge",
        "logins_give_distinct_tokens",
    ):
        assert clauses[clause_id]["checked"] > 0, clause_id
        assert f"{clause_id} " in run.stdout
    assert all(row["violations"] == 0 for row in clauses.values())
    assert summary["tokens"]["issued"] == summary["tokens"]["distinct"] > 0
    assert summary["requests"]["count"] > 0
    assert summary["requests"]["rps"] > 0
    assert summary["requests"]["p95_ms"] >= summary["requests"]["p50_ms"] > 0
    suite = ElementTree.parse(junit).getroot()  # noqa: S314 - written by the run above
    assert {case.get("name") for case in suite.iter("testcase")} == set(CLAUSES)
    assert suite.get("failures") == "0"
    assert "locust" in html.read_text(encoding="utf-8").lower()


# --- injected faults ------------------------------------------------------------------------------------

MISSING_EXPIRES_IN, UNAVAILABLE, NO_CHALLENGE = 0.3, 0.1, 0.2
FAULTS = (
    {"path": "/authorization", "omit_field": "expires_in", "probability": MISSING_EXPIRES_IN},
    {"path": "/authorization", "status": 503, "probability": UNAVAILABLE},
    {"path": "/me", "status": 401, "body": {"error": "invalid_token"}, "probability": NO_CHALLENGE},
)


def _share(row: dict[str, Any]) -> float:
    assert row["checked"] >= 30, f"too few answers to measure a share: {row}"
    return row["violations"] / row["checked"]


def test_injected_faults_are_counted_under_their_clause_and_503s_apart(tmp_path: Path) -> None:
    summary_file = tmp_path / "faults.json"
    with MockServer(Settings(faults=FAULTS, log_requests=False)) as mock:
        run = load(
            *("--users", "10", "--run-time", "4s", "--json", str(summary_file)),
            env=_live(mock.url),
        )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "BROKEN under load" in run.stdout
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    clauses = _clauses(summary)
    # each fault under its clause, at about its probability; a missing field is counted once
    assert abs(_share(clauses["login_answers_json_token"]) - MISSING_EXPIRES_IN) < 0.15
    assert clauses["expires_in_is_positive_integer"]["violations"] == 0
    assert abs(_share(clauses["every_refusal_has_a_bearer_challenge"]) - NO_CHALLENGE) < 0.12
    assert clauses["fresh_token_is_accepted"]["violations"] > 0
    # the 503s: target errors, in no clause
    logins = clauses["login_answers_json_token"]["checked"]
    unavailable = summary["target_errors"].get("503 Service Unavailable", 0)
    assert 0 < unavailable < logins
    for row in clauses.values():
        assert row["tier"] in ("contract", "rfc", "advisory")
        for example in row["examples"]:
            assert "503" not in example["detail"].split("response:")[-1].splitlines()[0]
    assert "target errors (no verdict, not violations): " in run.stdout
    assert "503 Service Unavailable: " in run.stdout
    # nothing unbroken was blamed
    for clause_id in ("token_type_is_bearer", "access_token_is_b64token", "token_response_is_not_stored"):
        assert clauses[clause_id]["violations"] == 0, clause_id


def test_no_password_or_token_in_the_terminal_or_the_reports(tmp_path: Path) -> None:
    platform = LeakyPlatform()
    html, junit, summary_file = tmp_path / "leaky.html", tmp_path / "leaky.xml", tmp_path / "leaky.json"
    with MockServer(app=leaky_app(platform)) as server:
        # 5 s once every user is up (test_load_run_time.py): a busy start-up no longer shortens it
        run = load(
            *("--users", "5", "--run-time", "5s"),
            *("--html", str(html), "--junitxml", str(junit), "--json", str(summary_file)),
            env=_live(server.url, platform.username, platform.password),
        )
    assert run.returncode == 1, run.stdout + run.stderr
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    clauses = _clauses(summary)
    assert clauses["token_response_is_not_stored"]["violations"] > 0
    assert clauses["every_refusal_has_a_bearer_challenge"]["violations"] > 0
    html_text = html.read_text(encoding="utf-8")
    assert "token_response_is_not_stored [rfc]" in html_text  # Locust's failures, named by clause
    outputs = {
        "stdout": run.stdout,
        "stderr": run.stderr,
        "html": html_text,
        "junit": junit.read_text(encoding="utf-8"),
        "json": summary_file.read_text(encoding="utf-8"),
    }
    assert len(platform.issued) > 10, "too few tokens to show that none leaks"
    for name, text in outputs.items():
        assert platform.password_tail not in text, name
        for form in secret_forms(platform.password):
            assert form not in text, name
        for token in platform.issued:
            assert token not in text, name


# --- a token handed out twice, found across two workers ---------------------------------------------------


@dataclass
class RacyPlatform:
    """Keeps the contract but one clause: a login reads its counter, works, then writes it back, so two
    logins that overlap get the same token. One user per Locust worker logs in one at a time: any
    two overlapping logins come from two workers."""

    username: str = "qa-user"
    password: str = field(default_factory=lambda: "pw-" + secrets.token_hex(8))
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    counter: int = 0
    issued: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def token(self, number: int) -> str:
        digest = hmac.new(self.key, str(number).encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def racy_app(platform: RacyPlatform) -> Flask:
    app = Flask(__name__)
    challenge = 'Bearer realm="racy"'

    @app.post("/authorization")
    def authorization() -> Response:
        if (request.form.get("username"), request.form.get("password")) != (
            platform.username,
            platform.password,
        ):
            return jsonify(error="invalid_grant"), 400
        number = platform.counter  # read ...
        time.sleep(0.03)  # ... work ...
        platform.counter = number + 1  # ... write: the race
        token = platform.token(number)
        with platform.lock:
            platform.issued.append(token)
        answer = jsonify(token_type="Bearer", access_token=token, expires_in=1)
        answer.headers.update({"Cache-Control": "no-store", "Pragma": "no-cache"})
        return answer

    @app.get("/me")
    def me() -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return jsonify(error="invalid_request"), 401, {"WWW-Authenticate": challenge}
        if token not in platform.issued:
            return (
                jsonify(error="invalid_token"),
                401,
                {"WWW-Authenticate": f'{challenge}, error="invalid_token"'},
            )
        return jsonify(user=platform.username), 200

    return app


def test_a_master_with_two_workers_finds_a_token_issued_twice(tmp_path: Path) -> None:
    platform = RacyPlatform()
    summary_file = tmp_path / "racy.json"
    port = str(_free_port())
    with MockServer(app=racy_app(platform)) as server:
        env = _live(server.url, platform.username, platform.password)
        master_args = [
            *("--master", "--master-bind-host", "127.0.0.1", "--master-port", port, "--expect-workers", "2"),
            *("--users", "2", "--spawn-rate", "2", "--run-time", "4s", "--json", str(summary_file)),
        ]
        worker_args = ["--worker", "--master-host", "127.0.0.1", "--master-port", port]
        logs = [(tmp_path / f"{name}.log").open("w", encoding="utf-8") for name in ("master", "a", "b")]
        with (
            _started(master_args, env, logs[0]) as master,
            _started(worker_args, env, logs[1]) as worker_a,
            _started(worker_args, env, logs[2]) as worker_b,
        ):
            master.wait(timeout=RUN_TIMEOUT)
            worker_a.wait(timeout=STOP_TIMEOUT)
            worker_b.wait(timeout=STOP_TIMEOUT)
        for log in logs:
            log.close()
    output = (tmp_path / "master.log").read_text(encoding="utf-8")
    assert master.returncode == 1, output
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    clauses = _clauses(summary)
    issued_twice = len(platform.issued) - len(set(platform.issued))
    assert issued_twice > 0, "the platform never raced: the test proves nothing"
    assert 0 < clauses["logins_give_distinct_tokens"]["violations"] <= issued_twice
    duplicates = summary["tokens"]["duplicates"]
    assert duplicates
    for duplicate in duplicates:
        origins = {issue["origin"] for issue in duplicate["issues"]}
        assert len(origins) == 2, duplicate
        assert all(origin.startswith("worker ") for origin in origins)
    assert "across 2 Locust processes" in clauses["logins_give_distinct_tokens"]["examples"][0]["detail"]
    broken = {row["id"] for row in summary["clauses"] if row["violations"] and row["tier"] != "advisory"}
    assert broken == {"logins_give_distinct_tokens"}
    for token in platform.issued:
        assert token not in output


# --- no verdict -------------------------------------------------------------------------------------------


def test_no_verdict_without_a_target_bad_settings_or_refused_credentials() -> None:
    nothing = load(env=_live(f"http://127.0.0.1:{_free_port()}"))
    assert nothing.returncode == 2
    assert nothing.stderr.startswith("authcontract load: the target is unreachable")
    assert nothing.stderr.count("\n") == 1

    bad = load("--run-time", "soon", env=_environment())
    assert (bad.returncode, bad.stderr.count("\n")) == (2, 1)
    assert "--run-time must be a time span" in bad.stderr

    platform = LeakyPlatform()
    with MockServer(app=leaky_app(platform)) as server:
        refused = load(env=_live(server.url, platform.username, "not-" + platform.password))
    assert refused.returncode == 2
    assert "the configured login was refused" in refused.stderr  # the pre-flight of check and compare
    assert "check CONTRACT_USERNAME and CONTRACT_PASSWORD" in refused.stderr
    assert refused.stderr.rstrip().endswith("; no load was sent")
    assert platform.password_tail not in refused.stderr
