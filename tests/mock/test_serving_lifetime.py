"""Servers that tests start die with the test run, whatever kills it (issue 13, section 13)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path

import pytest

from ..processes import TIMEOUT, alive, start_server
from .served import children

pytestmark = pytest.mark.processes  # every test here starts a process

_HOLDING_TEST = """
import os
import time
from pathlib import Path

from tests.processes import mock_process


def test_hold_two_mocks():
    with mock_process("--quiet") as granian, mock_process("--server", "werkzeug", "--quiet") as werkzeug:
        report = f"{granian.process.pid} {granian.port} {werkzeug.process.pid} {werkzeug.port}"
        Path(os.environ["HOLDING_REPORT"]).write_text(report)
        time.sleep(600)  # held until the outer test kills this run
"""


def _answers(port: int) -> bool:
    with closing(socket.socket()) as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_test_run_leaves_no_mock_behind(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    (tmp_path / "test_holding.py").write_text(textwrap.dedent(_HOLDING_TEST))
    report = tmp_path / "report"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    run = start_server(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        cwd=root,
        env={
            **os.environ,
            "PYTHONPATH": str(root),
            "HOLDING_REPORT": str(report),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",  # schemathesis and friends take seconds to import
            "TMPDIR": str(scratch),  # the killed granian's private state directory stays in here
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not report.exists() or not report.read_text():
            assert run.poll() is None, "the inner test run ended early"
            assert time.monotonic() < deadline, "the inner test run did not start its mocks within 60 s"
            time.sleep(0.1)  # polling for start-up
        granian_pid, granian_port, werkzeug_pid, werkzeug_port = map(int, report.read_text().split())
        workers = children(granian_pid)
        assert workers, "granian's main process has no worker processes"
        pids = [granian_pid, *workers, werkzeug_pid]
        assert all(map(alive, pids))

        os.kill(run.pid, signal.SIGKILL)  # as a CI timeout or the OOM killer would
        run.wait(timeout=TIMEOUT)

        deadline = time.monotonic() + 10
        while any(map(alive, pids)) or _answers(granian_port) or _answers(werkzeug_port):
            left = [pid for pid in pids if alive(pid)]
            assert time.monotonic() < deadline, f"still running 10 s after the test run was killed: {left}"
            time.sleep(0.05)  # polling for the kernel to kill them
        assert list(scratch.glob("authcontract-state-*")), "the killed granian kept its state elsewhere"
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(timeout=TIMEOUT)
        for pid in pids:  # whatever the outcome, leave nothing behind
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
