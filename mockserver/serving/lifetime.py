"""A child process that dies with its parent, whatever kills the parent (SIGKILL included).

On Linux, prctl(PR_SET_PDEATHSIG, SIGKILL) asks the kernel to kill the calling process when the
thread that started it ends. granian's worker processes call it (an orphaned worker would keep
serving on the port), and the project's tests start every server with it, so that a killed test
run leaves no mock behind. Elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

__all__ = ["die_with_parent", "die_with_this_process"]

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int | None) -> None:
    """Be killed when `parent_pid` (the process that started this one) dies; exit now if it has."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the request above could be made


def die_with_this_process() -> Callable[[], None]:
    """A `preexec_fn` for subprocess.Popen: the child is killed when this process dies.

    Everything is looked up before the fork, so the child runs no import and takes no lock. The
    kernel watches the thread that calls Popen: call it from a thread that lives as long as the
    child should (the main thread of a test run does).
    """
    parent = os.getpid()
    prctl = _prctl
    getppid = os.getppid
    exit_now = os._exit

    def in_child() -> None:
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if getppid() != parent:
            exit_now(1)

    return in_child


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_prctl = _load_prctl()
