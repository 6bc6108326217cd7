"""Hostile bytes over a real socket to the werkzeug-served mock (MockServer, the handler `serve` uses):
a clear JSON 4xx, the same decision with the lockout on or off, and no input that slows the mock for good."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from mockserver import MockServer, Settings, create_app

from ..processes import TIMEOUT
from .served import exchange, status_and_body

FORM = b"username=demo&password=demo-password"


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    settings = getattr(request, "param", Settings(log_requests=False, read_timeout=1))
    with MockServer(settings) as running:
        yield running


def login(length: bytes, body: bytes = FORM, host: bytes = b"mock") -> bytes:
    return (
        b"POST /authorization HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + length + b"\r\n\r\n" + body
    )


# 9. Digits that str.isdigit() accepts and int() refuses: each was a 500 (an HTML page on the lane).
SUPERSCRIPTS = [b"\xb2", b"\xb3", b"\xb9", b"1\xb2"]
ROUTES = {
    "login": lambda length: login(length),
    "me": lambda length: (
        b"GET /me HTTP/1.1\r\nHost: mock\r\nConnection: close\r\nContent-Length: " + length + b"\r\n\r\n"
    ),
    "control": lambda length: (
        b"GET /_mock/clock HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n"
        b"Content-Length: " + length + b"\r\n\r\n"
    ),
}


@pytest.mark.parametrize("length", SUPERSCRIPTS, ids=["2", "3", "1", "1-2"])
@pytest.mark.parametrize("route", ROUTES.values(), ids=ROUTES.keys())
def test_a_content_length_of_superscript_digits_gets_a_json_400(server: MockServer, route, length) -> None:
    exchange(server.port, login(str(len(FORM)).encode()))  # binds the host: its binding is cached
    status, body = status_and_body(exchange(server.port, route(length)))
    assert status == 400
    assert body["error"] == "bad_request"


# 10. A body shorter than its Content-Length: 400 and no token, with the lockout on or off.
LOCKOUTS = [Settings(log_requests=False, read_timeout=1, lockout_after=after) for after in (0, 3)]


@pytest.mark.parametrize("server", LOCKOUTS, ids=["no-lockout", "lockout"], indirect=True)
@pytest.mark.parametrize("half_close", [True, False], ids=["client-left", "client-stalled"])
def test_a_body_cut_short_is_refused_either_way(server: MockServer, half_close: bool) -> None:
    whole = login(str(len(FORM)).encode())
    for _ in range(2):  # the first binds the host; the second is bound from the cache
        assert status_and_body(exchange(server.port, whole))[0] == 200
    short = login(str(len(FORM) + 10).encode())  # ten bytes promised, never sent
    status, body = status_and_body(exchange(server.port, short, half_close=half_close))
    assert (status, body["error"]) == (400, "bad_request")
    assert "access_token" not in body


# 11. Junk Host values filled the binding cache: a host's binding was never cached again.
def test_junk_hosts_do_not_switch_the_binding_cache_off(server: MockServer) -> None:
    for index in range(200):
        reply = exchange(
            server.port, b"GET /me HTTP/1.1\r\nHost: junk-%d\r\nConnection: close\r\n\r\n" % index
        )
        assert status_and_body(reply)[0] == 401
    token = server.state.tokens.issue("demo").access_token
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token}"
        for _ in range(2):  # the first is bound and cached, the second bound from the cache
            assert session.get(server.url_for("/me"), timeout=TIMEOUT).status_code == 200
    host = server.url.partition("://")[2]
    assert any(key[0] == host for key in server.app._bound)  # type: ignore[attr-defined] - cached again


@pytest.mark.parametrize("length", ["\xb2", "\xb3", "\xb9"], ids=["2", "3", "1"])
@pytest.mark.parametrize(
    ("method", "path", "data"), [("GET", "/me", b""), ("POST", "/authorization", FORM)], ids=["me", "login"]
)
def test_a_server_that_passes_such_a_length_on_gets_a_json_400_too(method, path, data, length) -> None:
    """What a WSGI server that does not refuse it hands the app."""
    app = create_app(Settings(log_requests=False))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    client = app.test_client()
    client.post("/authorization", data=FORM, headers=headers)  # binds the host
    reply = client.open(
        path, method=method, data=data, headers=headers, environ_overrides={"CONTENT_LENGTH": length}
    )
    assert (reply.status_code, reply.get_json()["error"]) == (400, "bad_request")
