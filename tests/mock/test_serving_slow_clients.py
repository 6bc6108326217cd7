"""Slow clients of the served mock: read timeouts, and room for many held connections (issue 13,
section 4). Over real sockets, under granian as `make run` serves it and `--server werkzeug`.
"""

from __future__ import annotations

import os
import resource
import socket
import time
from contextlib import ExitStack

import pytest
import requests

from ..processes import TIMEOUT, mock_process
from .served import SERVERS, Mocks, children, closed_by_server

pytestmark = pytest.mark.processes  # every test here starts a process

HELD_CONNECTIONS = 2000
LIVENESS_BOUND = 1.0  # seconds: the bound for a normal request while slow clients are held


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
    for process in (pid, *children(pid)):
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
