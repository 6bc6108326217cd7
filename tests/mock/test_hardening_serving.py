"""What a second mock, another local user or a slow client can do to the served mock (issue 13).

Every test here reaches `python -m mockserver` over real sockets: granian as `make run` serves it
(one worker per core, a private file store) and `--server werkzeug`. A served mock that a test
does not change is shared by the module.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import pytest
import requests

from mockserver.app import create_app
from mockserver.serving.serve import prepare_worker_environment
from mockserver.settings import Settings

from ..conftest import DEMO
from ..processes import TIMEOUT, MockProcess, alive, free_port, mock_process, start_server

SERVERS = ["granian", "werkzeug"]
HELD_CONNECTIONS = 2000
LIVENESS_BOUND = 1.0  # seconds: the bound for a normal request while slow clients are held


class Mocks:
    """One served mock per server for the whole module, started on first use, logging to a file."""

    def __init__(self, stack: ExitStack, logs: Path, *flags: str) -> None:
        self._stack = stack
        self._logs = logs
        self._flags = flags
        self._running: dict[str, MockProcess] = {}

    def __getitem__(self, server: str) -> MockProcess:
        if server not in self._running:
            log_file = self._logs / f"{server}.log"
            self._running[server] = self._stack.enter_context(
                mock_process("--server", server, *self._flags, log_file=log_file)
            )
        return self._running[server]


@pytest.fixture(scope="module")
def mocks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mocks]:
    with ExitStack() as stack:
        yield Mocks(stack, tmp_path_factory.mktemp("logs"))


@pytest.fixture(scope="module")
def impatient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mocks]:
    """Mocks that wait one second for a silent client."""
    with ExitStack() as stack:
        yield Mocks(stack, tmp_path_factory.mktemp("logs"), "--read-timeout", "1", "--quiet")


def exchange(port: int, data: bytes, host: str = "127.0.0.1") -> bytes:
    """Send raw bytes (a request with `Connection: close`) and read until the server closes."""
    with socket.create_connection((host, port), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def status_and_body(reply: bytes) -> tuple[int, dict]:
    head, _, body = reply.partition(b"\r\n\r\n")
    status_line, _, headers = head.partition(b"\r\n")
    assert b"content-type: application/json" in headers.lower(), reply[:500]
    return int(status_line.split()[1]), json.loads(body)


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes the connection within `within` seconds (what it answered first is read)."""
    deadline = time.monotonic() + within
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            if not sock.recv(65536):
                return True
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True
    return False


# 1. The file store: the signing key is for the mock's user only.


def test_the_file_store_creates_every_directory_0700_and_every_file_0600(tmp_path: Path) -> None:
    """With the most permissive umask, and missing parents: nothing the mock creates is open to others."""
    store = tmp_path / "made" / "by" / "mock"
    previous = os.umask(0)
    try:
        with mock_process("--server", "werkzeug", "--quiet", "--store", f"file://{store}") as running:
            os.umask(previous)  # the mock inherited 0 when it started; this process goes back to its own
            login = {"username": DEMO[0], "password": DEMO[1]}
            assert (
                requests.post(f"{running.url}/authorization", data=login, timeout=TIMEOUT).status_code == 200
            )
            user = {"username": "ann", "password": "ann-password-1"}
            assert requests.post(f"{running.url}/_mock/users", json=user, timeout=TIMEOUT).status_code == 201
            assert requests.get(f"{running.url}/me", timeout=TIMEOUT).status_code == 401  # journaled
    finally:
        os.umask(previous)
    made = [tmp_path / "made", tmp_path / "made" / "by", *sorted((tmp_path / "made").rglob("*"))]
    modes = {str(path.relative_to(tmp_path)): stat.S_IMODE(path.stat().st_mode) for path in made}
    assert {"made/by/mock/state.json", "made/by/mock/generation", "made/by/mock/journal"} <= set(modes)
    assert any(name.endswith(".journal") for name in modes)
    wrong = {
        name: f"{mode:04o}"
        for name, mode in modes.items()
        if mode != (0o700 if (tmp_path / name).is_dir() else 0o600)
    }
    assert wrong == {}


def _start_refused(*flags: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A start that must stop before serving: exit 2 and one line on stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "--host", "127.0.0.1", *flags],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("mockserver: ")
    assert "Traceback" not in result.stderr
    assert "serving the mock" not in result.stderr
    return result


@pytest.mark.parametrize("mode", [0o755, 0o770, 0o701], ids=["0755", "0770", "0701"])
def test_a_state_directory_open_to_others_is_refused(tmp_path: Path, mode: int) -> None:
    store = tmp_path / "shared"
    store.mkdir()
    store.chmod(mode)
    result = _start_refused("--port", str(free_port()), "--store", f"file://{store}")
    assert f"the state directory {store} is open to other users (mode {mode:04o})" in result.stderr
    assert not (store / "state.json").exists()  # no key was written there


def test_a_state_directory_of_another_user_is_refused(tmp_path: Path) -> None:
    """Another user made the directory first, with the key they chose: it is not adopted."""
    if os.geteuid() != 0:
        pytest.skip("giving a directory to another user needs root")
    store = tmp_path / "planted"
    store.mkdir(mode=0o700)
    os.chown(store, 65534, 65534)
    result = _start_refused("--port", str(free_port()), "--store", f"file://{store}")
    assert f"the state directory {store} belongs to another user (uid 65534)" in result.stderr


# 2. A busy port stops the start, under every server.


@pytest.mark.parametrize("server", SERVERS)
def test_a_second_mock_on_a_served_port_stops_with_one_line(mocks: Mocks, server: str) -> None:
    """granian binds with SO_REUSEPORT: a second mock used to start and take half the requests."""
    first = mocks["granian"]
    result = _start_refused("--server", server, "--port", str(first.port), "--quiet")
    assert f"port {first.port} on 127.0.0.1 is in use" in result.stderr
    assert requests.get(f"{first.url}/openapi.json", timeout=TIMEOUT).status_code == 200


@pytest.mark.parametrize("server", SERVERS)
def test_a_port_held_by_another_program_stops_with_one_line(server: str) -> None:
    with closing(socket.socket()) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = _start_refused("--server", server, "--port", str(port), "--quiet")
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr


# 4. Slow clients: read timeouts, and room for many held connections.


def _enough_descriptors(needed: int) -> None:
    """Raise the soft limit of open files if this process (and the mock it starts) needs more."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.fail(f"the hard limit of open files ({hard}) is below the {needed} this test holds")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def _hold_slow_requests(port: int, count: int, stack: ExitStack) -> None:
    """Half stop inside the headers, half inside a body that says 100 bytes are coming."""
    for index in range(count):
        sock = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT))
        if index % 2:
            sock.sendall(
                b"POST /authorization HTTP/1.1\r\nHost: mock\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=de"
            )
        else:
            sock.sendall(b"GET /me HTTP/1.1\r\nHost: mock\r\nX-Slow: ")


def _sockets_held(pid: int) -> int:
    """Sockets open in the process and its children (granian's workers)."""
    held = 0
    for process in (pid, *_children(pid)):
        try:
            descriptors = os.listdir(f"/proc/{process}/fd")
        except FileNotFoundError:  # a worker gone since it was listed
            continue
        for descriptor in descriptors:
            try:
                held += os.readlink(f"/proc/{process}/fd/{descriptor}").startswith("socket:")
            except FileNotFoundError:  # closed since the listing: only this one is not counted
                continue
    return held


@pytest.mark.parametrize("server", SERVERS)
def test_the_mock_answers_while_two_thousand_slow_requests_are_held(server: str) -> None:
    """Its own mock: two thousand clients leaving at once keep werkzeug's threads busy a while."""
    _enough_descriptors(2 * HELD_CONNECTIONS + 1024)
    # held longer than the default 10 s read timeout: on a loaded machine, taking in two thousand
    # connections took long enough for the first ones to be cut off before the count below
    with mock_process("--server", server, "--read-timeout", "60", "--quiet") as running, ExitStack() as held:
        _hold_slow_requests(running.port, HELD_CONNECTIONS, held)
        deadline = time.monotonic() + 30
        while _sockets_held(running.process.pid) < HELD_CONNECTIONS:  # all taken in by the server
            assert time.monotonic() < deadline, f"{server} took in {_sockets_held(running.process.pid)}"
            time.sleep(0.05)  # polling for the server to accept them
        elapsed = []
        for _ in range(3):  # fresh connections, so granian may hand each to another worker
            started = time.monotonic()
            reply = requests.get(
                f"{running.url}/openapi.json", timeout=TIMEOUT, headers={"Connection": "close"}
            )
            elapsed.append(time.monotonic() - started)
            assert reply.status_code == 200
        assert _sockets_held(running.process.pid) >= HELD_CONNECTIONS  # still held while it answered
    assert max(elapsed) < LIVENESS_BOUND, elapsed


UNFINISHED = {
    "headers": b"GET /me HTTP/1.1\r\nHost: mock\r\nX-Slow: ",
    "request-line": b"GET /me HT",
    "body": b"POST /authorization HTTP/1.1\r\nHost: mock\r\nContent-Length: 100\r\n\r\nusername=",
    "nothing": b"",
    "keep-alive-after-an-answer": b"GET /openapi.json HTTP/1.1\r\nHost: mock\r\n\r\n",
}
# granian has no deadline for a body once the headers are in, nor for a client that never sends a
# byte (the README says so); werkzeug's socket timeout covers every read.
GRANIAN_WAITS_FOR = {"body", "nothing"}
SILENCES = [
    pytest.param(server, what, id=f"{server}-{what}")
    for server in SERVERS
    for what in UNFINISHED
    if not (server == "granian" and what in GRANIAN_WAITS_FOR)
]


@pytest.mark.parametrize(("server", "what"), SILENCES)
def test_a_client_silent_past_the_read_timeout_is_cut_off(impatient: Mocks, server: str, what: str) -> None:
    running = impatient[server]
    with socket.create_connection(("127.0.0.1", running.port), timeout=TIMEOUT) as sock:
        sock.sendall(UNFINISHED[what])
        assert closed_by_server(sock, within=6), f"{server} kept a connection silent for 6 s ({what})"


# 12. Smaller ones.


def test_a_method_with_terminal_escapes_never_reaches_the_log_raw(mocks: Mocks) -> None:
    running = mocks["werkzeug"]
    reply = exchange(
        running.port, b"GE\x1b]0;owned\x07\x1b[2JT /me HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n\r\n"
    )
    status, body = status_and_body(reply)
    assert status == 400
    assert body["error"] == "bad_request"
    assert requests.get(f"{running.url}/me", timeout=TIMEOUT).status_code == 401  # logged after it
    deadline = time.monotonic() + TIMEOUT
    while "GET /me 401" not in running.log():
        assert time.monotonic() < deadline, running.log()[-2000:]
        time.sleep(0.05)  # polling for the log line, not waiting for expiry
    assert "\x1b" not in running.log()
    assert "\x07" not in running.log()


def test_an_http_2_request_line_gets_a_json_505(mocks: Mocks) -> None:
    reply = exchange(mocks["werkzeug"].port, b"GET /me HTTP/2.0\r\nHost: mock\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 505 ")  # a status line, which the standard library left out
    status, body = status_and_body(reply)
    assert (status, body["error"]) == (505, "http_version_not_supported")
    assert set(body) == {"error", "error_description"}


@pytest.mark.parametrize("lengths", [("5", "3"), ("5", "abc"), ("-1",)])
def test_conflicting_or_malformed_content_lengths_are_refused(mocks: Mocks, lengths: tuple[str, ...]) -> None:
    """Two different lengths: werkzeug took the last, where a proxy in front may take the first."""
    headers = b"".join(b"Content-Length: " + value.encode() + b"\r\n" for value in lengths)
    request = (
        b"POST /authorization HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n" + headers + b"\r\nusername=demo"
    )
    status, body = status_and_body(exchange(mocks["werkzeug"].port, request))
    assert status == 400
    assert body["error"] == "bad_request"


@pytest.mark.parametrize("server", SERVERS)
def test_expect_100_continue_is_answered_once(mocks: Mocks, server: str) -> None:
    form = f"username={DEMO[0]}&password={DEMO[1]}".encode()
    with socket.create_connection(("127.0.0.1", mocks[server].port), timeout=TIMEOUT) as sock:
        sock.sendall(
            b"POST /authorization HTTP/1.1\r\nHost: mock\r\nConnection: close\r\nExpect: 100-continue\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
            + str(len(form)).encode()
            + b"\r\n\r\n"
        )
        received = b""
        while b"100 Continue\r\n\r\n" not in received:
            received += sock.recv(65536)
        sock.sendall(form)
        while chunk := sock.recv(65536):
            received += chunk
    assert received.count(b"100 Continue") == 1, received[:200]
    assert b"HTTP/1.1 200 " in received


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


# 13. Servers that tests start die with the test run, whatever kills it.

_HOLDING_TEST = """
import os
import time
from pathlib import Path

from tests.processes import mock_process


def test_hold_two_mocks():
    with mock_process("--quiet") as granian, mock_process("--server", "werkzeug", "--quiet") as werkzeug:
        report = f"{granian.process.pid} {granian.port} {werkzeug.process.pid} {werkzeug.port}"
        Path(os.environ["HOLDING_REPORT"]).write_text(report)
        time.sleep(600)  # held until the outer test kills this run
"""


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(child) for child in text.split()]


def _answers(port: int) -> bool:
    with closing(socket.socket()) as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_test_run_leaves_no_mock_behind(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    (tmp_path / "test_holding.py").write_text(textwrap.dedent(_HOLDING_TEST))
    report = tmp_path / "report"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    run = start_server(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        cwd=root,
        env={
            **os.environ,
            "PYTHONPATH": str(root),
            "HOLDING_REPORT": str(report),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",  # schemathesis and friends take seconds to import
            "TMPDIR": str(scratch),  # the killed granian's private state directory stays in here
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not report.exists() or not report.read_text():
            assert run.poll() is None, "the inner test run ended early"
            assert time.monotonic() < deadline, "the inner test run did not start its mocks within 60 s"
            time.sleep(0.1)  # polling for start-up
        granian_pid, granian_port, werkzeug_pid, werkzeug_port = map(int, report.read_text().split())
        workers = _children(granian_pid)
        assert workers, "granian's main process has no worker processes"
        pids = [granian_pid, *workers, werkzeug_pid]
        assert all(map(alive, pids))

        os.kill(run.pid, signal.SIGKILL)  # as a CI timeout or the OOM killer would
        run.wait(timeout=TIMEOUT)

        deadline = time.monotonic() + 10
        while any(map(alive, pids)) or _answers(granian_port) or _answers(werkzeug_port):
            left = [pid for pid in pids if alive(pid)]
            assert time.monotonic() < deadline, f"still running 10 s after the test run was killed: {left}"
            time.sleep(0.05)  # polling for the kernel to kill them
        assert list(scratch.glob("authcontract-state-*")), "the killed granian kept its state elsewhere"
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(timeout=TIMEOUT)
        for pid in pids:  # whatever the outcome, leave nothing behind
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
