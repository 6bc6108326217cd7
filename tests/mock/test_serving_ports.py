"""A busy port stops the served mock's start, under every server (issue 13, section 2)."""

from __future__ import annotations

import socket
from contextlib import closing

import pytest
import requests

from ..processes import TIMEOUT
from .served import SERVERS, Mocks, start_refused

pytestmark = pytest.mark.processes  # every test here starts a process


@pytest.mark.parametrize("server", SERVERS)
def test_a_second_mock_on_a_served_port_stops_with_one_line(mocks: Mocks, server: str) -> None:
    """granian binds with SO_REUSEPORT: a second mock used to start and take half the requests."""
    first = mocks["granian"]
    result = start_refused("--server", server, "--port", str(first.port), "--quiet")
    assert f"port {first.port} on 127.0.0.1 is in use" in result.stderr
    assert requests.get(f"{first.url}/openapi.json", timeout=TIMEOUT).status_code == 200


@pytest.mark.parametrize("server", SERVERS)
def test_a_port_held_by_another_program_stops_with_one_line(server: str) -> None:
    with closing(socket.socket()) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = start_refused("--server", server, "--port", str(port), "--quiet")
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
