"""`authcontract load --web`, `--master` and `--worker` seen from outside: what another site, another host
or a rogue master can make them do.

Real sockets on 127.0.0.1 only. The target is a platform served in a thread; a capture server stands for
the attacker's host and records every request it gets: the users' logins (with the password) must never
reach it. Every process a test starts is stopped by it (SIGTERM, then its group is killed).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
import requests
from flask import Flask, jsonify, request

from authcontract.load.locust_process import LOCUSTFILE
from mockserver import MockServer

from ..processes import TIMEOUT, free_port
from .platforms import LeakyPlatform, leaky_app
from .test_load_command import RUN_TIMEOUT, STOP_TIMEOUT, _environment, _live, _started, load

pytestmark = pytest.mark.processes  # every test here starts a process

START_TIMEOUT = 60  # seconds for a Locust process to come up on a busy machine: an upper bound only
EVIL = "http://evil.example"


def capture_app(hits: list[str]) -> Flask:
    """The attacker's host: answers everything 200 and records what it was sent."""
    app = Flask(__name__)

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "DELETE"])
    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "DELETE"])
    def everything(path: str) -> object:
        hits.append(f"{request.method} /{path}")
        return jsonify(access_token="captured", token_type="Bearer", expires_in=3600)

    return app


def _cors(answer: requests.Response) -> list[str]:
    return [name for name in answer.headers if name.lower().startswith("access-control-")]


def _until(condition: object, process: subprocess.Popen[str], what: str) -> None:
    """Poll `condition` (a callable) while `process` runs; a generous deadline, never a measured wait."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the command ended early (exit {process.returncode}) before {what}"
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)  # polling for start-up, not waiting for expiry
    raise AssertionError(f"no {what} within {START_TIMEOUT} s")


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=TIMEOUT).status_code == 200
    except requests.ConnectionError:
        return False


@contextmanager
def _web_ui(env: dict[str, str], log_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    with log_path.open("w", encoding="utf-8") as log:
        args = ["--web", "--web-port", str(port), "--users", "2"]
        with _started(args, env, log) as process:
            ui = f"http://127.0.0.1:{port}"
            _until(lambda: _answers(ui + "/"), process, "web UI")
            yield ui, process


def test_another_site_cannot_start_retarget_or_write_a_file_through_the_web_ui(tmp_path: Path) -> None:
    platform, hits = LeakyPlatform(), []
    planted = tmp_path / "planted.json"
    with MockServer(app=leaky_app(platform)) as target, MockServer(app=capture_app(hits)) as attacker:
        env = _live(target.url, platform.username, platform.password)
        with _web_ui(env, tmp_path / "web.log") as (ui, process):
            _attack(ui, attacker.url, target.url, planted)
            _until(lambda: len(platform.issued) >= 4, process, "logins at the target")
    assert hits == []
    assert not planted.exists()


def _attack(ui: str, attacker: str, target: str, planted: Path) -> None:
    """What another site, a rebound name and a form with more than the run's size ask: all refused;
    then the UI's own page starts the run."""
    attack = {
        "user_count": "2",
        "spawn_rate": "2",
        "host": attacker,
        "contract_summary": str(planted),
    }
    size = {"user_count": "2", "spawn_rate": "2"}
    refused = {
        "another site": ({"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}, attack),
        "another site, no Origin": ({"Sec-Fetch-Site": "cross-site"}, attack),
        "a rebound name": ({"Host": f"evil.example:{ui.rsplit(':', 1)[1]}"}, attack),
        "another target": ({"Origin": ui}, {**size, "host": attacker}),
        "a file option": ({"Origin": ui}, {**size, "contract_summary": str(planted)}),
        "Locust's report option": ({"Origin": ui}, {**size, "html_file": str(planted)}),
    }
    for name, (headers, form) in refused.items():
        answer = requests.post(f"{ui}/swarm", data=form, headers=headers, timeout=TIMEOUT)
        assert answer.status_code == 403, name
        assert _cors(answer) == [], name
        assert answer.json()["success"] is False, name
    preflight = requests.options(
        f"{ui}/swarm", headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"}, timeout=TIMEOUT
    )
    assert (preflight.status_code, _cors(preflight)) == (403, [])
    read = requests.get(f"{ui}/stats/requests", headers={"Origin": EVIL}, timeout=TIMEOUT)
    assert (read.status_code, _cors(read)) == (403, [])
    retarget = requests.post(
        f"{ui}/user",
        json={"user_class_name": "ContractUser", "host": attacker},
        headers={"Origin": ui},
        timeout=TIMEOUT,
    )
    assert retarget.status_code == 403
    # the UI's own page still runs the load, at the configured target
    started = requests.post(
        f"{ui}/swarm", data={**size, "host": target}, headers={"Origin": ui}, timeout=TIMEOUT
    )
    assert (started.status_code, started.json()["success"]) == (200, True)
    assert _cors(requests.get(f"{ui}/stats/requests", timeout=TIMEOUT)) == []


def test_a_worker_logs_in_only_at_its_own_target_whatever_its_master_says(tmp_path: Path) -> None:
    platform, hits = LeakyPlatform(), []
    port = str(free_port())
    with MockServer(app=leaky_app(platform)) as target, MockServer(app=capture_app(hits)) as attacker:
        rogue = [
            *(sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--host", attacker.url),
            *("--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", port),
            *("--expect-workers", "1", "--expect-workers-max-wait", "60", "--headless"),
            *("--users", "2", "--spawn-rate", "2", "--run-time", "3s", "--only-summary"),
            *("--contract-summary", str(tmp_path / "rogue.json")),
        ]
        env = _live(target.url, platform.username, platform.password)
        worker_args = ["--worker", "--master-host", "127.0.0.1", "--master-port", port]
        logs = [(tmp_path / f"{name}.log").open("w", encoding="utf-8") for name in ("master", "worker")]
        master = subprocess.Popen(  # a rogue master: plain Locust, its own --host
            rogue, env=_environment(), stdout=logs[0], stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            with _started(worker_args, env, logs[1]) as worker:
                master.wait(timeout=RUN_TIMEOUT)
                worker.wait(timeout=STOP_TIMEOUT)
        finally:
            if master.poll() is None:
                master.kill()
            master.wait(timeout=STOP_TIMEOUT)
            for log in logs:
                log.close()
    assert hits == []
    worker_log = (tmp_path / "worker.log").read_text(encoding="utf-8")
    assert "refused to log in at" in worker_log
    assert platform.password_tail not in worker_log


def test_a_worker_without_its_own_target_sends_nothing() -> None:
    run = load("--worker", "--master-port", str(free_port()), env=_environment())
    assert (run.returncode, run.stderr.count("\n")) == (2, 1), run.stderr
    assert "a worker needs --base-url or CONTRACT_BASE_URL" in run.stderr


def _listening(process: subprocess.Popen[str], port: int) -> set[str]:
    """The addresses the command's processes listen on at `port`."""
    found = set()
    try:
        family = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return found
    for member in family:
        try:
            connections = member.net_connections(kind="tcp")
        except psutil.NoSuchProcess:
            continue
        found |= {c.laddr.ip for c in connections if c.status == psutil.CONN_LISTEN and c.laddr.port == port}
    return found


def test_a_master_listens_on_the_loopback_unless_told(tmp_path: Path) -> None:
    platform = LeakyPlatform()
    port = free_port()
    with (
        MockServer(app=leaky_app(platform)) as target,
        (tmp_path / "master.log").open("w", encoding="utf-8") as log,
        _started(
            ["--master", "--master-port", str(port), "--expect-workers", "1", "--run-time", "1s"],
            _live(target.url, platform.username, platform.password),
            log,
        ) as master,
    ):
        _until(lambda: bool(_listening(master, port)), master, "master socket")
        assert _listening(master, port) == {"127.0.0.1"}
