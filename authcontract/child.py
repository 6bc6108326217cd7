"""The one way a command runs a child process of ours (the suite's pytest, Locust).

The child is started with our own interpreter, no input, and dies with this process whatever
kills it (mockserver/serving/lifetime.py). Its output is relayed line by line, redacted, as it
comes. A run that outlives its limit is terminated, then killed. On Ctrl-C (the terminal's
reached the child too) a child that `stops` is sent SIGINT, given a grace to end, killed if it
lingers, and the KeyboardInterrupt goes on; one that `finishes` is waited for, as it writes its
reports. Whatever happens, no child is left running when `run_child` returns or raises.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Literal

from mockserver.serving.lifetime import die_with_this_process

__all__ = ["GRACE", "Ended", "run_child"]

GRACE = 30.0  # seconds a child may take to end once asked (SIGINT or SIGTERM), before SIGKILL
RELAY_JOIN = 5.0  # seconds the relay may take to pass on what is left once the child ended


@dataclass(frozen=True)
class Ended:
    """How the child ended: its exit code, and whether it was stopped for outliving its limit."""

    code: int
    overran: bool = False


def run_child(
    command: list[str],
    env: dict[str, str],
    relay: IO[str],
    redact: Callable[[str], str],
    *,
    stdout: IO[str] | None = None,
    limit: float | None = None,
    on_interrupt: Literal["stop", "finish"] = "stop",
    grace: float = GRACE,
) -> Ended:
    """Run `command` to its end; `stdout` a file for its standard output (then only its stderr is
    relayed), else both are relayed; stopped after `limit` seconds (Ended.overran)."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, running our own suite or Locust
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE if stdout is not None else subprocess.STDOUT,
        text=True,
        preexec_fn=die_with_this_process(),  # it looks nothing up after the fork
    )
    output = process.stderr if stdout is not None else process.stdout
    relaying = threading.Event()
    relaying.set()
    relayer = threading.Thread(target=_relay, args=(output, relay, redact, relaying), daemon=True)
    relayer.start()
    deadline = None if limit is None else time.monotonic() + limit
    try:
        return Ended(_wait(process, deadline, on_interrupt, grace, relaying))
    except subprocess.TimeoutExpired:
        _stop(process, grace)
        return Ended(process.returncode if process.returncode is not None else -1, overran=True)
    finally:
        _stop(process, grace)
        relayer.join(timeout=RELAY_JOIN)


def _wait(
    process: subprocess.Popen[str],
    deadline: float | None,
    on_interrupt: str,
    grace: float,
    relaying: threading.Event,
) -> int:
    """The child's exit code; TimeoutExpired past the deadline; Ctrl-C as `on_interrupt` says."""
    while True:
        try:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            return process.wait(timeout=left)
        except KeyboardInterrupt:
            if on_interrupt == "finish":
                continue  # it stops on its own, writes its reports and exits
            relaying.clear()  # its last words are not relayed: the command says one line
            _interrupt(process, grace)
            raise


def _relay(output: IO[str] | None, relay: IO[str], redact: Callable[[str], str], on: threading.Event) -> None:
    """Pass on each line, redacted, while `on`; the pipe is closed at its end (the child's and its own)."""
    if output is None:
        return
    with output:
        for line in output:
            if on.is_set():
                relay.write(redact(line))
                relay.flush()


def _interrupt(process: subprocess.Popen[str], grace: float) -> None:
    """SIGINT (again: a `kill -INT` of this process alone did not reach it), then a grace, then SIGKILL."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace)


def _stop(process: subprocess.Popen[str], grace: float) -> None:
    """SIGTERM, a grace, then SIGKILL: nothing of the child is left running."""
    for stop, wait in ((process.terminate, grace), (process.kill, grace)):
        if process.poll() is not None:
            return
        stop()
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
