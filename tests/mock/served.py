"""The served mock as the tests of serving reach it: `python -m mockserver` over raw sockets.

Helpers for tests/mock/test_serving_*.py (their module-scoped `mocks` and `impatient` fixtures are
in tests/mock/conftest.py).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from ..processes import TIMEOUT, MockProcess, mock_process

SERVERS = ["granian", "werkzeug"]


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


def exchange(port: int, data: bytes, host: str = "127.0.0.1", *, half_close: bool = False) -> bytes:
    """Send raw bytes (a request with `Connection: close`), optionally shut the writing side, and
    read until the server closes."""
    with socket.create_connection((host, port), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
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


def start_refused(*flags: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
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


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(child) for child in text.split()]
