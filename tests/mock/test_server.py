"""MockServer: a real socket on a free loopback port, started and stopped by the test."""

from __future__ import annotations

import socket

import pytest
import requests

from mockserver import MockServer, Settings

TIMEOUT = 5


def test_it_serves_on_a_free_loopback_port_until_stopped() -> None:
    server = MockServer(Settings(log_requests=False)).start()
    try:
        port = server.port
        assert server.url == f"http://127.0.0.1:{port}"
        assert server.url_for("/me") == server.url_for("me") == f"http://127.0.0.1:{port}/me"
        reply = requests.get(server.url_for("openapi.json"), timeout=TIMEOUT)
        assert reply.json()["openapi"].startswith("3.1")
    finally:
        server.stop()
    with pytest.raises(RuntimeError, match="not running"):
        server.url  # noqa: B018 - the property raises
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/me", timeout=TIMEOUT)


def test_two_servers_run_side_by_side_with_their_own_state() -> None:
    with MockServer() as first, MockServer() as second:
        assert first.port != second.port
        first.state.clock.advance(100)
        assert second.state.clock.now() < first.state.clock.now()


def test_the_context_manager_stops_the_server() -> None:
    with MockServer() as server:
        port = server.port
    with socket.socket() as probe:
        probe.settimeout(5)
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_it_refuses_to_start_twice() -> None:
    with MockServer() as server, pytest.raises(RuntimeError, match="already running"):
        server.start()
