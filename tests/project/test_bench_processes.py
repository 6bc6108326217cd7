"""A bench killed mid-run takes its servers with it (left behind, they skewed the next run)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..processes import alive, start_server

pytestmark = pytest.mark.processes  # every test here starts a process

ROOT = Path(__file__).resolve().parents[2]
_BENCH = """
import sys, time
from pathlib import Path
from bench.processes import Server, free_port

port = free_port()
command = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]
server = Server("http.server", command, port, Path(sys.argv[1]) / "server.log").start()
Path(sys.argv[1], "pid").write_text(str(server.pid))
time.sleep(600)  # killed by the test long before
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_bench_leaves_no_server_behind(tmp_path: Path) -> None:
    bench = start_server([sys.executable, "-c", _BENCH, str(tmp_path)], cwd=ROOT, stderr=subprocess.PIPE)
    pid_file = tmp_path / "pid"
    server = None
    try:
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text():  # written, not just created
            assert bench.poll() is None, bench.communicate(timeout=5)[1]
            assert time.monotonic() < deadline, "the bench's server did not start"
            time.sleep(0.05)  # polling for the start, not waiting for expiry
        server = int(pid_file.read_text())
        assert alive(server)
        bench.kill()
        bench.wait(5)
        deadline = time.monotonic() + 5
        while alive(server) and time.monotonic() < deadline:
            time.sleep(0.05)  # polling for the kernel to kill it
        assert not alive(server), "the server outlived the bench that started it"
    finally:
        bench.kill()
        bench.communicate(timeout=5)
        if server is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(server, signal.SIGKILL)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("app", ["wsgi", "bare"])
def test_the_yardsticks_workers_die_with_their_granian(tmp_path: Path, app: str) -> None:
    """Found after a bench: the ceiling's workers still serving, their granian gone."""
    from bench.servers import bare_server

    server = bare_server(tmp_path, app).start()
    try:
        workers = _children(server.pid)
        assert workers
        assert all(alive(worker) for worker in workers)
        os.kill(server.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while any(alive(worker) for worker in workers) and time.monotonic() < deadline:
            time.sleep(0.05)  # polling for the kernel to kill them
        assert not any(alive(worker) for worker in workers), "a worker outlived its granian"
    finally:
        server.stop()
