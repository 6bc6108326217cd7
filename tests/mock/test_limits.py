"""Hostile input over a real socket: 4xx with a JSON error, never a 5xx or a traceback."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
import requests

from mockserver import MockServer, Settings
from mockserver.data import fixture_path, load_json
from mockserver.http.routes.control import LATEST_TIME

TIMEOUT = 5
CLOCK_SCHEMA = load_json(fixture_path("schemas/control.json"))["$defs"]["clock"]


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


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


JSON = "application/json"
LOGIN_JSON_HOSTILE = [
    pytest.param('{"username": "demo", "password": "\\ud800"}', "lone surrogate", id="lone-surrogate"),
    pytest.param('{"username": "demo", "password": NaN}', "NaN", id="nan"),
    pytest.param('{"username": "demo", "password": 1e400}', "out of range", id="huge-number"),
    pytest.param(
        '{"username": "demo", "username": "viewer", "password": "x"}', "repeats a key", id="repeated-key"
    ),
    # Deep enough for a recursive walk to exhaust the stack, shallow enough for json.loads to parse.
    pytest.param(
        '{"username": "demo", "password": "x", "n": ' + nested(700) + "}", "nested", id="nested-700"
    ),
]


@pytest.mark.parametrize(("body", "says"), LOGIN_JSON_HOSTILE)
def test_hostile_json_logins_get_400_saying_why(server: MockServer, body: str, says: str) -> None:
    answered, raw = raw_exchange(server, post("/authorization", body.encode(), JSON))
    assert answered == 400
    error = json.loads(raw)
    assert error["error"] == "invalid_request"
    assert says in error["error_description"]


@pytest.mark.parametrize(
    ("path", "body", "says"),
    [
        pytest.param("/_mock/clock", '{"advance": NaN}', "NaN", id="clock-advance-nan"),
        pytest.param("/_mock/clock", '{"set": Infinity}', "Infinity", id="clock-set-infinity"),
        pytest.param("/_mock/clock", '{"set": -1e999}', "out of range", id="clock-set-huge"),
        pytest.param("/_mock/clock", '{"advance": ' + nested(995) + "}", "nested", id="clock-nested-995"),
        pytest.param("/_mock/faults", '{"delay": NaN}', "NaN", id="fault-delay-nan"),
        pytest.param("/_mock/faults", '{"delay": 1, "probability": NaN}', "NaN", id="fault-probability-nan"),
        pytest.param(
            "/_mock/faults",
            '{"status": 500, "body": ' + nested(40) + "}",
            "nested",
            id="fault-body-nested-40",
        ),
        pytest.param(
            "/_mock/faults", '{"status": 500, "headers": {"X-A": "b\\n"}}', "headers/X-A", id="header-newline"
        ),
        pytest.param(
            "/_mock/faults",
            '{"status": 500, "headers": {"X-A\\n": "b"}}',
            "headers",
            id="header-name-newline",
        ),
        pytest.param("/_mock/faults", '{"status": 101}', "status", id="fault-status-1xx"),
        pytest.param(
            "/_mock/users", '{"username": "\\udfff", "password": "p"}', "lone surrogate", id="user-surrogate"
        ),
    ],
)
def test_hostile_control_bodies_get_400_and_change_nothing(
    server: MockServer, path: str, body: str, says: str
) -> None:
    before = requests.get(server.url_for("/_mock/clock"), timeout=TIMEOUT).json()["now"]
    answered, raw = raw_exchange(server, post(path, body.encode(), JSON))
    assert answered == 400
    assert says in json.loads(raw)["error_description"]
    assert requests.get(server.url_for("/_mock/faults"), timeout=TIMEOUT).json()["faults"] == []
    assert requests.get(server.url_for("/_mock/clock"), timeout=TIMEOUT).json()["now"] - before < 60
    assert requests.get(server.url_for("/openapi.json"), timeout=TIMEOUT).status_code == 200


def test_the_clock_refuses_to_pass_the_year_3000(server: MockServer) -> None:
    """Advances that add up past what a date can show are refused (409: the state, not the body, is at
    fault), and the clock keeps answering."""
    advance = {"advance": 3_153_600_000}  # the largest single step: a hundred years
    answers = [
        requests.post(server.url_for("/_mock/clock"), json=advance, timeout=TIMEOUT).status_code
        for _ in range(12)
    ]
    assert 409 in answers
    assert set(answers) == {200, 409}
    clock = requests.get(server.url_for("/_mock/clock"), timeout=TIMEOUT)
    assert clock.status_code == 200
    assert clock.json()["now"] <= LATEST_TIME
    assert CLOCK_SCHEMA["properties"]["set"]["maximum"] == LATEST_TIME
    requests.post(server.url_for("/_mock/reset"), json={}, timeout=TIMEOUT)


def chunked(path: str, body: bytes, content_type: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Content-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        + f"{len(body):x}\r\n".encode()
        + body
        + b"\r\n0\r\n\r\n"
    )


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/authorization", b"username=demo&password=" + b"x" * 17000, FORM),
        ("/_mock/users", b'{"username": "a", "password": "' + b"x" * 17000 + b'"}', JSON),
    ],
    ids=["login-form", "control-json"],
)
def test_a_chunked_body_over_16k_gets_413_too(
    server: MockServer, path: str, body: bytes, content_type: str
) -> None:
    """Without Content-Length the limit is found while reading, and still answered as 413, not cut."""
    answered, raw = raw_exchange(server, chunked(path, body, content_type))
    assert answered == 413
    assert json.loads(raw)["error"]


def test_a_small_chunked_body_is_read_whole(server: MockServer) -> None:
    answered, raw = raw_exchange(
        server, chunked("/authorization", b"username=demo&password=demo-password", FORM)
    )
    assert answered == 200
    assert json.loads(raw)["token_type"] == "Bearer"
    journal = requests.get(server.url_for("/_mock/requests"), timeout=TIMEOUT).json()["requests"]
    assert journal[-1]["form"] == {"username": "demo", "password": "***"}


@pytest.fixture(scope="module")
def shared_server() -> Iterator[MockServer]:
    with MockServer(Settings(log_requests=False)) as running:
        yield running


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/accounts"),
        ("POST", "/accounts"),
        ("GET", "/me"),
        ("GET", "/openapi.json"),
        ("DELETE", "/payments/1"),
        ("PUT", "/me"),
        ("GET", "/nowhere"),
        ("GET", "/_mock/clock"),
        ("OPTIONS", "/authorization"),
    ],
)
def test_every_route_answers_413_to_a_body_over_the_limit(
    shared_server: MockServer, method: str, path: str
) -> None:
    """The limit holds where no view reads the body, whatever the method."""
    with requests.Session() as session:
        reply = session.request(method, shared_server.url_for(path), data=b"x" * 20 * 1024, timeout=TIMEOUT)
        assert reply.status_code == 413
        assert reply.json()["error"] == "request_entity_too_large"
        assert session.get(shared_server.url_for("/openapi.json"), timeout=TIMEOUT).status_code == 200
