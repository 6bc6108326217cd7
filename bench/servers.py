"""The servers of a bench run: the mock as `make run` starts it, the bare app on the same server."""

from __future__ import annotations

import sys
from pathlib import Path

from .bare_app import PATH as BARE_PATH
from .client import DEMO_FORM
from .processes import LOOPBACK, Server, free_port
from .wrk import Load

__all__ = ["LOGGED", "ROOT", "bare_load", "bare_server", "mock_loads", "mock_server"]

ROOT = Path(__file__).resolve().parent.parent
FORM = "&".join(f"{name}={value}" for name, value in DEMO_FORM.items())


def mock_server(log_dir: Path, *, quiet: bool = True) -> Server:
    """`python -m mockserver` as `make run` runs it (granian, a worker per core), on a free port;
    `quiet=False` keeps its log line per request, as `make run` does, written to the log file."""
    port = free_port()
    command = [sys.executable, "-m", "mockserver", "--host", LOOPBACK, "--port", str(port)]
    command += ["--quiet"] if quiet else []
    name = "mock" if quiet else "mock-logged"
    return Server(name, command, port, log_dir / f"{name}.log", cwd=ROOT)


def bare_server(log_dir: Path) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "bench.serve_granian", "--app", "bare", "--host", LOOPBACK]
    return Server("bare", [*command, "--port", str(port)], port, log_dir / "bare.log", cwd=ROOT)


LOGGED = "_logged"  # the suffix of the loads on the mock that logs a line per request


def mock_loads(base_url: str, token: str, suffix: str = "") -> tuple[Load, Load]:
    """(a) the token endpoint with the demo user's form, (b) /me with a valid token."""
    form = {"BENCH_FORM": FORM}
    authorization = Load(f"authorization{suffix}", f"{base_url}/authorization", "form_post.lua", form)
    me = Load(f"me{suffix}", f"{base_url}/me", "bearer.lua", {"BENCH_TOKEN": token})
    return authorization, me


def bare_load(base_url: str) -> Load:
    return Load("bare", f"{base_url}{BARE_PATH}", "get.lua")
