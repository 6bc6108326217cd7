"""Raw requests a client may send the served mock: escapes, HTTP/2, odd lengths, `Expect` (issue
13, section 12). A served mock that a test does not change is shared by the module.
"""

from __future__ import annotations

import socket
import time

import pytest
import requests

from ..conftest import DEMO
from ..processes import TIMEOUT
from .served import SERVERS, Mocks, exchange, status_and_body

pytestmark = pytest.mark.processes  # every test here starts a process


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
