"""What a result was measured on, written beside every figure: figures without it mean little."""

from __future__ import annotations

import datetime
import os
import platform
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

__all__ = ["describe", "load_average", "tool_version"]


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
