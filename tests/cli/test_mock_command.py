"""`authcontract mock` is the mock's own command line: same flags, same errors, a real server."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from authcontract.cli import main

from ..processes import start_server

TIMEOUT = 5


def test_bad_flags_are_the_mocks_one_line_error(capsys: pytest.CaptureFixture) -> None:
    assert main(["mock", "--token-ttl", "0"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("mockserver: setting 'token_ttl' must be a positive number of seconds")
    assert error.count("\n") == 1


def test_the_help_lists_the_commands(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert re.findall(r"^    (\w+) ", out, re.MULTILINE) == ["mock", "check", "compare", "load"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.processes
def test_the_console_script_serves_the_mock() -> None:
    command = shutil.which("authcontract", path=str(Path(sys.executable).parent))
    assert command is not None
    port = _free_port()
    flags = [
        "--server",
        "werkzeug",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--token-ttl",
        "42",
        "--quiet",
    ]
    process = start_server([command, "mock", *flags], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                reply = requests.post(
                    f"http://127.0.0.1:{port}/authorization",
                    data={"username": "demo", "password": "demo-password"},
                    timeout=TIMEOUT,
                )
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "the mock did not start within 30 s"
                time.sleep(0.05)  # polling for start-up, not waiting for expiry
        assert reply.status_code == 200
        assert reply.json()["expires_in"] == 42
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, err = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()  # never leave a server behind, even when the test fails
            process.communicate(timeout=15)
            raise
    assert process.returncode == 0
    assert f"serving the mock on http://127.0.0.1:{port} (werkzeug)" in err
