"""What the served mock takes from its start: the address it binds, the control token, the process
environment (issue 13, section 12).
"""

from __future__ import annotations

import socket
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import requests

from mockserver.app import create_app
from mockserver.serving.serve import prepare_worker_environment
from mockserver.settings import Settings

from ..processes import TIMEOUT, mock_process
from .served import SERVERS


@pytest.mark.processes
@pytest.mark.parametrize("server", SERVERS)
def test_bound_to_every_ipv6_address_an_ipv4_loopback_client_may_use_the_control_api(
    server: str, tmp_path: Path
) -> None:
    log = tmp_path / "mock.log"
    with mock_process("--server", server, "--host", "::", log_file=log) as running:
        assert (
            requests.get(f"{running.url}/_mock/clock", timeout=TIMEOUT).status_code == 200
        )  # ::ffff:127.0.0.1
        assert requests.get(f"http://[::1]:{running.port}/_mock/clock", timeout=TIMEOUT).status_code == 200
        assert f"serving the mock on http://[::]:{running.port} ({server}" in running.log()


@pytest.mark.processes
def test_the_control_token_can_come_from_a_file_and_stays_out_of_ps(tmp_path: Path) -> None:
    token = "control-token-from-a-file-0123456789"
    token_file = tmp_path / "control-token"
    token_file.write_text(token + "\n")
    with mock_process("--server", "werkzeug", "--quiet", "--control-token-file", str(token_file)) as running:
        assert requests.get(f"{running.url}/_mock/clock", timeout=TIMEOUT).status_code == 401
        bearer = {"Authorization": f"Bearer {token}"}
        assert requests.get(f"{running.url}/_mock/clock", headers=bearer, timeout=TIMEOUT).status_code == 200
        command_line = Path(f"/proc/{running.process.pid}/cmdline").read_bytes()
        assert token.encode() not in command_line


@pytest.mark.processes
def test_the_control_token_flag_is_warned_about() -> None:
    """It shows in `ps`. (The port is busy so that the start stops right after the warning.)"""
    with closing(socket.socket()) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "mockserver", "--port", str(port), "--control-token", "x" * 20],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    lines = result.stderr.splitlines()
    assert lines[0].startswith("mockserver: warning: --control-token shows in `ps`")
    assert "MOCKSERVER_CONTROL_TOKEN or --control-token-file" in lines[0]
    assert "x" * 20 not in result.stderr


# The process environment is not part of any request: granian copies os.environ into each WSGI
# environ, so a variable named like a request's (HTTP_PROXY in many a CI) would read as its header.
_REQUEST_LOOKALIKES = {
    "HTTP_X_PHANTOM": "from-the-environment",
    "HTTP_AUTHORIZATION": "Bearer environment-secret-0123456789",
    "CONTENT_TYPE": "application/json",
    "CONTENT_LENGTH": "5",
}


@pytest.mark.processes
def test_variables_named_like_request_ones_are_not_read_as_any_request(tmp_path: Path) -> None:
    log = tmp_path / "mock.log"
    with mock_process("--quiet", env=_REQUEST_LOOKALIKES, log_file=log) as running:
        me = requests.get(f"{running.url}/me", timeout=TIMEOUT)
        login = requests.post(f"{running.url}/authorization", timeout=TIMEOUT)
        journal = requests.get(f"{running.url}/_mock/requests", timeout=TIMEOUT).json()["requests"]
    app = create_app(Settings(log_requests=False)).test_client()
    assert (me.status_code, me.json()) == _status_and_json(app.get("/me"))  # no credential but none sent
    assert (login.status_code, login.json()) == _status_and_json(app.post("/authorization"))  # no body either
    sent = {"GET": {}, "POST": {"Content-Length": "0"}}  # what requests sent of those headers
    watched = ("X-Phantom", "Authorization", "Content-Type", "Content-Length")
    assert [entry["path"] for entry in journal][-2:] == ["/me", "/authorization"]
    for entry in journal:
        received = {name: entry["headers"].get(name) for name in watched}
        assert received == dict.fromkeys(watched) | sent[entry["method"]], entry["method"]
    started = log.read_text()
    assert "HTTP_X_PHANTOM" in started  # said at start, by name
    assert "environment-secret" not in started
    assert "from-the-environment" not in started


def _status_and_json(answer: Any) -> tuple[int, Any]:
    return answer.status_code, answer.get_json()


def test_the_workers_environment_keeps_all_but_request_lookalikes() -> None:
    environ = {
        **_REQUEST_LOOKALIKES,
        "HTTPS_PROXY": "http://proxy:3128",
        "http_proxy": "http://proxy:3128",
        "REMOTE_USER": "someone",
        "PATH": "/usr/bin",
        "MOCKSERVER_TOKEN_TTL": "5",
    }
    prepare_worker_environment(Settings(token_ttl=60), environ)
    assert not {*_REQUEST_LOOKALIKES, "REMOTE_USER"} & set(environ)
    assert environ["HTTPS_PROXY"] == environ["http_proxy"] == "http://proxy:3128"
    assert environ["PATH"] == "/usr/bin"
    assert environ["MOCKSERVER_TOKEN_TTL"] == "60"  # the settings as read, for the workers
