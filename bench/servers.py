"""The servers of a bench run: the mock as `make run` starts it, the bare app on the same server."""

from __future__ import annotations

import sys
from pathlib import Path

from .bare_app import PATH as BARE_PATH
from .client import DEMO_FORM
from .processes import LOOPBACK, Server, free_port
from .wrk import Load

__all__ = ["LOGGED", "ROOT", "bare_load", "bare_server", "mock_loads", "mock_server", "refused_me_load"]

ROOT = Path(__file__).resolve().parent.parent
FORM = "&".join(f"{name}={value}" for name, value in DEMO_FORM.items())


def mock_server(log_dir: Path, *, quiet: bool = True, journal: bool = True) -> Server:
    """`python -m mockserver` as `make run` runs it (granian, a worker per core), on a free port;
    `quiet=False` keeps its log line per request, as `make run` does, written to the log file;
    `journal=False` serves it as a pure load target, `--journal-size 0`."""
    port = free_port()
    command = [sys.executable, "-m", "mockserver", "--host", LOOPBACK, "--port", str(port)]
    command += ["--quiet"] if quiet else []
    command += [] if journal else ["--journal-size", "0"]
    name = ("mock" if quiet else "mock-logged") + ("" if journal else "-no-journal")
    return Server(name, command, port, log_dir / f"{name}.log", cwd=ROOT)


def bare_server(log_dir: Path, app: str = "bare") -> Server:
    """`app`: "bare", the Flask yardstick, or "wsgi", the ceiling (bench/bare_app.py)."""
    port = free_port()
    command = [sys.executable, "-m", "bench.serve_granian", "--app", app, "--host", LOOPBACK]
    return Server(app, [*command, "--port", str(port)], port, log_dir / f"{app}.log", cwd=ROOT)


LOGGED = "_logged"  # the suffix of the loads on the mock that logs a line per request


def mock_loads(base_url: str, token: str, suffix: str = "") -> tuple[Load, Load]:
    """(a) the token endpoint with the demo user's form, (b) /me with a valid token."""
    form = {"BENCH_FORM": FORM}
    authorization = Load(f"authorization{suffix}", f"{base_url}/authorization", "form_post.lua", form)
    me = Load(f"me{suffix}", f"{base_url}/me", "bearer.lua", {"BENCH_TOKEN": token})
    return authorization, me


def refused_me_load(base_url: str, token: str, name: str = "me_refused") -> Load:
    """GET /me with an unknown token as long as a real one: every answer a 401 with its challenge."""
    return Load(name, f"{base_url}/me", "bearer.lua", {"BENCH_TOKEN": "x" * len(token)}, refused=True)


def bare_load(base_url: str, name: str = "bare") -> Load:
    return Load(name, f"{base_url}{BARE_PATH}", "get.lua")
