"""Resident memory of a server's worker processes, read from /proc (nothing to install).

granian's main process only supervises; the app lives in its worker processes, its children,
so their VmRSS is what grows if the mock keeps something per token.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["children", "directory_bytes", "rss_mib", "store_directory", "workers_rss_mib"]

_PROC = Path("/proc")


def children(pid: int) -> list[int]:
    """The direct children of a process, by the parent field of every /proc/N/stat."""
    found = []
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        parent = int(stat.rsplit(")", 1)[1].split()[1])  # the name in parentheses may hold spaces
        if parent == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_mib(pid: int) -> float:
    for line in (_PROC / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def workers_rss_mib(main_pid: int) -> dict[int, float]:
    workers = children(main_pid)
    if not workers:
        raise RuntimeError(f"process {main_pid} has no worker processes")
    return {pid: rss_mib(pid) for pid in workers}


def store_directory(worker_pid: int) -> Path | None:
    """The file store a worker uses, found by the counter file it keeps open (mockserver/store/file.py).

    Not from its environment: the mock sets MOCKSERVER_STORE after it started, so /proc does not show it.
    """
    for link in (_PROC / str(worker_pid) / "fd").iterdir():
        try:
            target = Path(os.readlink(link))
        except OSError:
            continue
        if target.name == "generation":
            return target.parent
    return None


def directory_bytes(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())
