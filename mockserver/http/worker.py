"""This process's id, read once per process rather than by a system call per request."""

from __future__ import annotations

import os

__all__ = ["pid", "pid_text"]

_current: tuple[int, str] = (os.getpid(), str(os.getpid()))


def pid() -> int:
    return _current[0]


def pid_text() -> str:
    """For the X-Mock-Worker header: which worker answered."""
    return _current[1]


def _forked() -> None:
    """granian and multiprocessing fork their workers after this module is imported."""
    global _current
    _current = (os.getpid(), str(os.getpid()))


os.register_at_fork(after_in_child=_forked)
