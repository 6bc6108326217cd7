"""A test that starts a process says so: it carries the `processes` marker, which `make test-fast`
leaves out. Without the marker, every way of starting one (subprocess, fork, spawn, system,
multiprocessing) fails the test with a line telling its author to mark it, in every run.

tests/conftest.py imports the three hooks below, so they wrap each test's setup, call and teardown
(fixtures of any scope included). Threads, such as MockServer's on the loopback, stay allowed.
"""

from __future__ import annotations

import _posixsubprocess
import os
import subprocess
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

MARKER = "processes"

# Where a process can start from Python: (owner, attribute, how the message names it).
# `_posixsubprocess.fork_exec` is multiprocessing's way (spawn, forkserver); subprocess keeps a name
# of its own for it, guarded through Popen.
_STARTERS: tuple[tuple[Any, str, str], ...] = (
    (subprocess.Popen, "__init__", "subprocess.Popen"),
    (os, "fork", "os.fork"),
    (os, "forkpty", "os.forkpty"),
    (os, "posix_spawn", "os.posix_spawn"),
    (os, "posix_spawnp", "os.posix_spawnp"),
    (os, "system", "os.system"),
    (_posixsubprocess, "fork_exec", "multiprocessing"),
)


def unmarked_message(nodeid: str, how: str) -> str:
    """The failure: which test, by which call, and what to do. Never the command line, which may
    hold a password."""
    return (
        f"{nodeid} started a process ({how}) but is not marked `{MARKER}`: add "
        f"`pytestmark = pytest.mark.{MARKER}` to its module (or `@pytest.mark.{MARKER}` to the test), "
        "so that `make test-fast` leaves it out"
    )


def _refuser(nodeid: str, how: str, attempts: list[str]) -> Callable[..., Any]:
    def refuse(*args: object, **kwargs: object) -> Any:
        attempts.append(how)
        # pytest.fail raises a BaseException: a library's `except Exception` cannot swallow it. No
        # traceback: its frames would show the arguments, the command line among them.
        pytest.fail(unmarked_message(nodeid, how), pytrace=False)

    return refuse


@contextmanager
def processes_forbidden(item: pytest.Item) -> Iterator[list[str]]:
    """While this runs, an unmarked item cannot start a process (each refused start is added to the
    list it yields); a marked one is left alone."""
    attempts: list[str] = []
    if item.get_closest_marker(MARKER) is not None:
        yield attempts
        return
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in _STARTERS if hasattr(owner, name)]
    for owner, name, how in _STARTERS:
        if hasattr(owner, name):
            setattr(owner, name, _refuser(item.nodeid, how, attempts))
    try:
        yield attempts
    finally:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)


def _guarded(item: pytest.Item, when: str) -> Generator[None, object, object]:
    """One phase of a test under the guard. A refusal that a library caught and turned into another
    error still says why, in a section of the report; one it swallowed fails the phase."""
    with processes_forbidden(item) as attempts:
        try:
            outcome = yield
        except BaseException as error:
            if attempts and unmarked_message(item.nodeid, attempts[0]) not in str(error):
                item.add_report_section(when, "process guard", unmarked_message(item.nodeid, attempts[0]))
            raise
        if attempts:
            pytest.fail(unmarked_message(item.nodeid, attempts[0]), pytrace=False)
        return outcome


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _guarded(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _guarded(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _guarded(item, "teardown"))
