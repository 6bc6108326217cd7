"""A person at a terminal, for the tests of commands that prompt: a pseudo-terminal of the command's
own (its controlling terminal where Ctrl-C must reach it), prompts answered and keys typed as they
appear, with the pause a person takes.
"""

from __future__ import annotations

import fcntl
import os
import select
import subprocess
import termios
import time
from collections.abc import Callable
from typing import Any

TIMEOUT = 180  # seconds without output before the command is taken for hung (a whole suite run)
TYPING_DELAY = 0.3  # seconds: a prompt flushes what was typed before it, as a terminal's line discipline does


def converse(command: list[str], answers: dict[str, str], env: dict[str, str]) -> tuple[int, str]:
    """Run `command` on a pseudo-terminal of its own, answering each prompt; returns (status, transcript)."""
    pending = dict(answers)

    def answer(transcript: bytes) -> bytes:
        due = [prompt for prompt in pending if prompt.encode() in transcript]
        return b"".join(pending.pop(prompt).encode() + b"\n" for prompt in due)

    return _on_pty(command, env, answer, start_new_session=True)


def on_a_terminal(command: list[str], env: dict[str, str], steps: list[tuple[str, bytes]]) -> tuple[int, str]:
    """Run `command` with a pseudo-terminal as its controlling terminal; at each expected text, type
    the keys (b"\\x03" is Ctrl-C, b"\\x04" Ctrl-D), as a person would. Returns (status, transcript)."""
    pending = list(steps)

    def type_keys(transcript: bytes) -> bytes:
        if not (pending and pending[0][0].encode() in transcript):
            return b""
        time.sleep(TYPING_DELAY)  # as a person would: a prompt flushes what was typed before it
        return pending.pop(0)[1]

    def controlling_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    return _on_pty(command, env, type_keys, preexec_fn=controlling_terminal)


def _on_pty(
    command: list[str], env: dict[str, str], react: Callable[[bytes], bytes], **popen: Any
) -> tuple[int, str]:
    """Run `command` on a new pseudo-terminal; after each output, write what `react` makes of the
    transcript so far. The command is killed if the test ends first."""
    main, child_end = os.openpty()
    process = subprocess.Popen(command, stdin=child_end, stdout=child_end, stderr=child_end, env=env, **popen)
    os.close(child_end)
    transcript = b""
    try:
        while True:
            ready, _, _ = select.select([main], [], [], TIMEOUT)
            if not ready:
                raise AssertionError(f"no output for {TIMEOUT} s: {transcript[-500:]!r}")
            try:
                chunk = os.read(main, 4096)
            except OSError:  # EIO: the other end closed
                break
            if not chunk:
                break
            transcript += chunk
            keys = react(transcript)
            if keys:
                os.write(main, keys)
        return process.wait(timeout=TIMEOUT), transcript.decode(errors="replace")
    finally:
        os.close(main)
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def last_lines(transcript: str) -> list[str]:
    """The lines after the keys typed at the prompt (a terminal shows Ctrl-C as ^C)."""
    return [
        line.strip()
        for line in transcript.replace("^C", "\n").replace("^D", "\n").splitlines()
        if line.strip()
    ]
