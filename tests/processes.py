"""Start the mock as a real process on a free loopback port, and always stop it.

Every server a test starts is started with `die_with_this_process()`: the kernel kills it when the
test run dies, whatever kills the run (a CI timeout, Ctrl-C, SIGKILL), and granian's workers die
with the mock's main process.
"""

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
from pathlib import Path

import requests

from mockserver.serving.lifetime import die_with_this_process

TIMEOUT = 5
START_TIMEOUT = 30
SUBPROCESS_TIMEOUT = 120  # seconds: a hung downstream pytest run fails its test, not the CI job


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class MockProcess:
    url: str
    process: subprocess.Popen[str]
    log_file: Path | None = None

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def log(self) -> str:
        """What it wrote to stderr so far (only when started with a log file)."""
        assert self.log_file is not None, "start it with mock_process(..., log_file=PATH)"
        return self.log_file.read_text(errors="replace")

    def stop(self) -> str:
        """Interrupt the mock, which stops its workers; if it hangs, kill its whole process group.

        Returns what it wrote to stderr. (An interrupt sent to the group reached granian's workers
        before their parent, which then waited for them the full 15 s.)
        """
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT)
        try:
            _, err = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            _, err = self.process.communicate(timeout=5)
        return self.log() if self.log_file is not None else err


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return False
    return fields[0] != "Z"


def start_server(command: list[str], **popen: object) -> subprocess.Popen:
    """Popen for a server: it dies with this process, and in a session of its own (stop() kills the group)."""
    return subprocess.Popen(command, start_new_session=True, preexec_fn=die_with_this_process(), **popen)


@contextmanager
def mock_process(
    *flags: str, env: dict[str, str] | None = None, log_file: Path | None = None
) -> Iterator[MockProcess]:
    """`log_file`: its stderr goes there, readable while it runs, rather than to a pipe read at stop()."""
    port = free_port()
    with open(log_file or os.devnull, "w") as log:
        process = start_server(
            [sys.executable, "-m", "mockserver", "--host", "127.0.0.1", "--port", str(port), *flags],
            stdout=subprocess.DEVNULL,
            stderr=log if log_file is not None else subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
    scheme = "https" if {"--tls", "--tls-cert"} & set(flags) else "http"
    running = MockProcess(f"{scheme}://127.0.0.1:{port}", process, log_file)
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
