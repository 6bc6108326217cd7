"""Who may drive the control API: no web page, whether by a cross-site form or by DNS rebinding."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
import requests

from mockserver import MockServer, Settings
from mockserver.testing import AuthMock

from .test_guards import CONTROL_TOKEN

TIMEOUT = 5


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(Settings(log_requests=False)) as running:
        yield running


def raw(
    server: MockServer, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict]:
    """Bytes as a browser or a rebinding page would send them: the Host header is ours to choose."""
    lines = [f"{method} {path} HTTP/1.1", "Connection: close", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as connection:
        connection.sendall(request)
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    head, _, payload = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(payload) if payload else {}


def journal_size(server: MockServer) -> int:
    return len(requests.get(server.url_for("/_mock/requests"), timeout=TIMEOUT).json()["requests"])


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example",
        "attacker.example:8080",
        "192.168.1.20",
        "localhost.attacker.example",
        "[2001:db8::1]",
    ],
)
def test_a_rebound_host_may_not_read_or_drive_the_control_api(server: MockServer, host: str) -> None:
    """DNS rebinding: a page's own name now points at 127.0.0.1, so its requests carry its Host."""
    requests.get(server.url_for("/openapi.json"), timeout=TIMEOUT)
    status, body = raw(server, "GET", "/_mock/requests", {"Host": host})
    assert status == 403
    assert body["error"] == "access_denied"
    assert "Host" in body["error_description"]
    status, _ = raw(server, "POST", "/_mock/reset", {"Host": host, "Content-Type": "application/json"}, b"{}")
    assert status == 403
    assert journal_size(server) > 0  # not reset


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.1:8080", "localhost", "LOCALHOST:80", "[::1]:8080", "127.1.2.3"]
)
def test_loopback_names_reach_the_control_api(server: MockServer, host: str) -> None:
    status, body = raw(server, "GET", "/_mock/clock", {"Host": host})
    assert status == 200
    assert body["now"] > 0


def test_the_bound_address_is_a_name_the_control_api_answers() -> None:
    with MockServer(Settings(host="0.0.0.0", log_requests=False)) as running:  # noqa: S104 - the setting only
        assert raw(running, "GET", "/_mock/clock", {"Host": "0.0.0.0:8080"})[0] == 200
        assert raw(running, "GET", "/_mock/clock", {"Host": "attacker.example"})[0] == 403


def test_with_a_control_token_any_host_may_use_it() -> None:
    with MockServer(Settings(control_token=CONTROL_TOKEN, log_requests=False)) as running:
        headers = {"Host": "mock.internal.example:8080", "Authorization": f"Bearer {CONTROL_TOKEN}"}
        assert raw(running, "GET", "/_mock/clock", headers)[0] == 200
        assert raw(running, "GET", "/_mock/clock", {"Host": "mock.internal.example"})[0] == 401


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Origin": "https://attacker.example"}, id="origin-of-another-site"),
        pytest.param({"Origin": "http://127.0.0.1:1"}, id="origin-of-another-port"),
        pytest.param({"Origin": "null"}, id="origin-null"),
        pytest.param({"Sec-Fetch-Site": "cross-site"}, id="sec-fetch-site"),
    ],
)
def test_cross_site_requests_are_refused(server: MockServer, headers: dict[str, str]) -> None:
    """A plain HTML form on any page could post here: the browser says where it comes from."""
    requests.get(server.url_for("/openapi.json"), timeout=TIMEOUT)
    form = {"Host": f"127.0.0.1:{server.port}", "Content-Type": "application/x-www-form-urlencoded"}
    status, body = raw(server, "POST", "/_mock/reset", {**form, **headers}, b"a=1")
    assert status == 403
    assert body["error"] == "access_denied"
    assert "cross-site" in body["error_description"]
    read = raw(server, "GET", "/_mock/requests", {"Host": f"127.0.0.1:{server.port}", **headers})
    assert read[0] == 403
    assert journal_size(server) > 0


def test_the_mocks_own_origin_is_not_cross_site(server: MockServer) -> None:
    own = {"Host": f"127.0.0.1:{server.port}", "Origin": server.url, "Sec-Fetch-Site": "same-origin"}
    assert raw(server, "GET", "/_mock/clock", own)[0] == 200


@pytest.mark.parametrize(
    ("method", "path", "content_type", "body"),
    [
        pytest.param("POST", "/_mock/reset", None, b"", id="reset-no-body"),
        pytest.param("POST", "/_mock/reset", "text/plain", b"{}", id="reset-text-plain"),
        pytest.param("POST", "/_mock/reset", "application/x-www-form-urlencoded", b"a=1", id="reset-form"),
        pytest.param("POST", "/_mock/reset", "application/json", b"", id="reset-json-type-no-body"),
        pytest.param("DELETE", "/_mock/requests", None, b"", id="clear-journal-no-body"),
        pytest.param(
            "DELETE", "/_mock/faults", "multipart/form-data; boundary=x", b"--x--", id="clear-faults"
        ),
        pytest.param("DELETE", "/_mock/faults/nope", None, b"", id="remove-fault-no-body"),
    ],
)
def test_a_state_changing_call_needs_a_json_body(
    server: MockServer, method: str, path: str, content_type: str | None, body: bytes
) -> None:
    """Only JSON, which no form sends and no page may send cross-origin without a preflight."""
    requests.get(server.url_for("/openapi.json"), timeout=TIMEOUT)
    headers = {"Host": "127.0.0.1"} | ({"Content-Type": content_type} if content_type else {})
    status, answer = raw(server, method, path, headers, body)
    assert status == 400
    assert answer["error"] == "invalid_request"
    assert "JSON" in answer["error_description"]
    assert journal_size(server) > 0


def test_a_call_without_arguments_takes_an_empty_object(server: MockServer) -> None:
    headers = {"Host": "127.0.0.1", "Content-Type": "application/json"}
    status, answer = raw(server, "POST", "/_mock/reset", headers, b'{"keep": "users"}')
    assert (status, answer["error"]) == (400, "invalid_request")
    assert answer["error_description"] == "body: the value is expected to be empty"


def test_the_handle_and_the_docs_send_json_to_every_state_changing_call(server: MockServer) -> None:
    handle = AuthMock(server.url)
    try:
        handle.set_fault(path="/nowhere", status=503)
        handle.clear_faults()
        fault = handle.set_fault(path="/nowhere", status=503)
        handle.control("DELETE", f"faults/{fault['id']}")
        handle.clear_calls()
        handle.reset()
        assert handle.calls() == []
    finally:
        handle.close()
    empty = {"Host": "127.0.0.1", "Content-Type": "application/json"}
    assert raw(server, "POST", "/_mock/reset", empty, b"{}")[0] == 204
    assert raw(server, "DELETE", "/_mock/requests", empty, b"{}")[0] == 204
