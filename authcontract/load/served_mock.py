"""The bundled mock as `make run` serves it (granian, one worker per core), on a free loopback port.

`authcontract load` with no platform loads this, so that the run is a smoke test of the mock's own
coherence across its worker processes: a token issued by one must open the path on the other.
The server is a process group of its own, stopped however the run ends: SIGTERM (granian, just
after a load, ignored SIGINT in about one stop of two here, and took the SIGKILL ten seconds later),
then SIGKILL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import requests

from mockserver.serving.lifetime import die_with_this_process

__all__ = ["MockNotStarted", "served_mock"]

START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
POLL_TIMEOUT = 2.0


class MockNotStarted(RuntimeError):
    """The mock exited or did not answer in time; the message holds the end of what it wrote."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served_mock(*flags: str) -> Iterator[str]:
    """Serve the mock; yields its base URL."""
    port = _free_port()
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter, serving the mock
            [
                sys.executable,
                "-m",
                "mockserver",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--quiet",
                *flags,
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_this_process(),  # and with this process, however it dies
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_serving(process, url, log)
            yield url
        finally:
            _stop(process)


def _wait_until_serving(process: subprocess.Popen[bytes], url: str, log: object) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise MockNotStarted(f"the bundled mock exited at start: {_tail(log)}")
        try:
            requests.get(f"{url}/openapi.json", timeout=POLL_TIMEOUT)
            return
        except requests.RequestException:
            time.sleep(0.05)  # polling for start-up
    raise MockNotStarted(f"the bundled mock did not answer within {START_TIMEOUT:.0f} s")


def _tail(log: object) -> str:
    log.seek(0)  # type: ignore[attr-defined]
    lines = log.read().strip().splitlines()  # type: ignore[attr-defined]
    return lines[-1] if lines else "(nothing written)"


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sent, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sent)
            process.wait(timeout=wait)
        except ProcessLookupError:
            break
        except subprocess.TimeoutExpired:
            continue
    # a worker may outlive the group's leader: nothing of the mock is left behind
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
