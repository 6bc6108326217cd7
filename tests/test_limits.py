"""Hostile input over a real socket: 4xx with a JSON error, never a 5xx or a traceback."""

from __future__ import annotations

import json
import socket

import pytest

from mockserver import MockServer

TIMEOUT = 5


def raw_exchange(server: MockServer, request: bytes) -> tuple[int, bytes]:
    """Send bytes as they are (no client library tidying them up); return the status and body."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as connection:
        connection.sendall(request)
        response = b""
        while not _complete(response) and (chunk := connection.recv(65536)):
            response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def _complete(response: bytes) -> bool:
    """Whole once the body holds Content-Length bytes: the server may keep reading what we sent."""
    head, separator, body = response.partition(b"\r\n\r\n")
    if not separator:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False


def post(path: str, body: bytes, content_type: str, extra: bytes = b"") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n".encode()
        + extra
        + b"\r\n"
        + body
    )


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        pytest.param(
            post("/authorization", b"username=demo&password=" + b"x" * 17000, FORM), 413, id="body-17k"
        ),
        pytest.param(post("/authorization", b"username=%ff%fe&password=x", FORM), 400, id="invalid-utf8"),
        pytest.param(post("/authorization", b"username=de%00mo&password=x", FORM), 400, id="nul-byte"),
        pytest.param(
            post("/authorization", b"username=a&username=b&password=x", FORM), 400, id="repeated-parameter"
        ),
        pytest.param(
            post(
                "/authorization",
                json.dumps({"username": "demo", "password": "x", "n": [[[[[[[[[[1]]]]]]]]]]}).encode(),
                "application/json",
            ),
            400,
            id="deeply-nested-json",
        ),
        pytest.param(
            post("/authorization", b"[" * 5000 + b"]" * 5000, "application/json"),
            400,
            id="recursion-bomb-json",
        ),
        pytest.param(post("/authorization", b"\xff\xfe{}", "application/json"), 400, id="json-not-utf8"),
        pytest.param(
            b"GET /me HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
            + b"a" * 70000
            + b"\r\n\r\n",
            None,
            id="oversized-header",
        ),
        pytest.param(
            b"GET /me HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ab\xffcd\r\n\r\n",
            400,
            id="non-ascii-token",
        ),
    ],
)
def test_hostile_requests_get_a_4xx_json_error(
    server: MockServer, request_bytes: bytes, status: int | None
) -> None:
    answered, body = raw_exchange(server, request_bytes)
    if status is None:
        assert 400 <= answered < 500
        return
    assert answered == status
    error = json.loads(body)
    assert error["error"]
    assert error["error_description"]
    assert b"Traceback" not in body
