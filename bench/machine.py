"""What a result was measured on, written beside every figure: figures without it mean little."""

from __future__ import annotations

import datetime
import os
import platform
import shutil
import subprocess
import time
from importlib.metadata import version
from pathlib import Path

__all__ = ["busy_note", "describe", "load_average", "tool_version", "wait_for_quiet"]


def describe() -> dict[str, str | int]:
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count() or 0,
        "memory_gib": _memory_gib(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "granian": version("granian"),
        "flask": version("flask"),
        "wrk": tool_version(["wrk", "-v"]).split(" Copyright")[0],
        "code": _code_version(),
        "load average at start": load_average(),
    }


def load_average() -> str:
    """1, 5 and 15 minute load: other work on the machine during a run shows here."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def wait_for_quiet(limit_s: float) -> float:
    """Wait up to `limit_s` for the 1-minute load average to fall below the core count (other
    sessions' work on a shared machine); the load average when the wait ends."""
    cores = os.cpu_count() or 1
    deadline = time.monotonic() + limit_s
    while (load := os.getloadavg()[0]) >= cores and time.monotonic() < deadline:
        print(f"waiting for a quiet machine: load average {load:.1f} on {cores} cores", flush=True)
        time.sleep(min(15.0, max(0.0, deadline - time.monotonic())))
    return load


def busy_note(load_at_start: float) -> str | None:
    """What a run that started on a busy machine cannot show, or None if the machine was quiet.

    On 2026-12-01, at load averages of 14 to 23 (work outside this bench), axa's issuance fell from
    450-510 requests/s to 135-345 and WireMock's /me to a third, while the mock's held: the ratios
    of such a run flatter the mock."""
    cores = os.cpu_count() or 1
    if load_at_start < cores:
        return None
    return (
        f"**A busy machine:** the 1-minute load average was {load_at_start:.1f} on {cores} cores when "
        "the run started. Work outside the bench has cost the peers' single-threaded Node and JVM far "
        "more than the mock's workers, so these ratios are not evidence for the targets. "
        "`--wait-quiet SECONDS` waits for the load to fall first."
    )


def tool_version(command: list[str]) -> str:
    """The first line a tool prints about itself (on stdout or stderr), or 'not found'."""
    if shutil.which(command[0]) is None:
        return "not found"
    completed = subprocess.run(  # noqa: S603 - fixed version queries
        command, capture_output=True, text=True, timeout=30, check=False
    )
    lines = (completed.stdout + completed.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f}"
    return "unknown"


def _code_version() -> str:
    """The commit measured, and whether mockserver/ or bench/ had changes not yet committed."""
    root = Path(__file__).resolve().parent.parent
    git = shutil.which("git")
    if git is None:
        return "unknown"
    head = subprocess.run(  # noqa: S603 - fixed git queries
        [git, "rev-parse", "--short", "HEAD"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    ).stdout.strip()
    changed = subprocess.run(  # noqa: S603
        [git, "status", "--porcelain", "--", "mockserver", "bench/bare_app.py", "bench/serve_granian.py"],
        cwd=root, capture_output=True, text=True, timeout=30, check=False,
    ).stdout.strip()  # fmt: skip
    return f"{head or 'unknown'}{' with uncommitted changes in mockserver/' if changed else ''}"
