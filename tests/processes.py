"""Start the mock as a real process on a free loopback port, and always stop it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import requests

TIMEOUT = 5
START_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class MockProcess:
    url: str
    process: subprocess.Popen[str]

    def stop(self) -> str:
        """Stop the whole process group; returns what it wrote to stderr."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            _, err = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            _, err = self.process.communicate(timeout=5)
        return err


@contextmanager
def mock_process(*flags: str, env: dict[str, str] | None = None) -> Iterator[MockProcess]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--host", "127.0.0.1", "--port", str(port), *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    scheme = "https" if {"--tls", "--tls-cert"} & set(flags) else "http"
    running = MockProcess(f"{scheme}://127.0.0.1:{port}", process)
    try:
        _wait_until_serving(running)
        yield running
    finally:
        running.stop()


def _wait_until_serving(running: MockProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise AssertionError(f"the mock exited early: {running.stop()}")
        try:
            requests.get(f"{running.url}/openapi.json", timeout=TIMEOUT)
            return
        except requests.exceptions.SSLError:
            return  # it answered the TLS handshake, under a CA this process does not trust (yet)
        except requests.ConnectionError:
            time.sleep(0.05)  # polling for start-up, not waiting for expiry
    raise AssertionError("the mock did not start within 30 s")
