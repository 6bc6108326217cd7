"""The log a served mock writes, a line per request: set up once per process, the same way by the
command line and by every granian worker, and attached to the app it serves.

A line costs every request, so the record skips what the format never shows: the caller's file and
line (a walk up the stack), the thread, the process and the multiprocessing names. These are the
module-level switches the logging HOWTO gives for this ("Optimization"); they are set only in a
process that serves, never by `create_app`, so an application embedding the mock keeps its own.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from flask import Flask

__all__ = [
    "FLUSH_DELAY",
    "FORMAT",
    "MAX_PENDING",
    "BatchingStreamHandler",
    "SecondCachingFormatter",
    "attach",
    "configure",
    "printable",
]

FORMAT = "%(asctime)s %(name)s %(message)s"
FLUSH_DELAY = 0.05  # seconds: a line shows this late at most; a worker killed outright loses these
MAX_PENDING = 10_000  # lines waiting for the writer, about a megabyte


def printable(text: str) -> str:
    """`text` with every character that is not printable escaped as Python writes it (\\x0a,
    \\u2028, \\U000e0001): line and paragraph separators, bidirectional and other format
    controls (U+202E would show a line reversed), control characters. A line of the log stays one
    line and reads as it was sent; a printable text (nearly every line) is returned as it is."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escaped(char) for char in text)


def _escaped(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class SecondCachingFormatter(logging.Formatter):
    """logging.Formatter's timestamps, the date and time part made once per second rather than per
    line: `localtime` and `strftime` were a sixth of a line's CPU. Only the default layout is
    cached; a `datefmt` goes to logging's own `formatTime`. Every message is written `printable`
    (a traceback after it keeps its lines)."""

    _second: tuple[int, str] = (-1, "")

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = printable(record.message)
        return super().formatMessage(record)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        return self.timestamp(record.created, record.msecs)

    def timestamp(self, created: float, msecs: float | None = None) -> str:
        """`formatTime` of a record made at `created` (its msecs derived as LogRecord derives them)."""
        text = self._second_text(int(created))
        msec_format = self.default_msec_format
        if not msec_format:  # None: no milliseconds, as logging.Formatter.formatTime has it
            return text
        return msec_format % (text, _msecs(created) if msecs is None else msecs)

    def line(self, created: float, name: str, msg: str, args: tuple[object, ...]) -> str:
        """What `format` gives an INFO record of these, made at `created`, without making the record:
        its creation and logging's handling were most of a request line's cost. The default layout
        is built directly; any other goes through a record."""
        if self._fmt != FORMAT or self.datefmt is not None:
            return self.format(_record_of(created, name, msg, args))
        if self.default_msec_format != _MSEC_FORMAT:
            return f"{self.timestamp(created)} {name} {printable(msg % args)}"
        whole = int(created)
        return (
            f"{self._second_text(whole)},{int((created - whole) * 1000):03d} {name} {printable(msg % args)}"
        )

    def _second_text(self, whole: int) -> str:
        """The date and time of second `whole`, as `formatTime` gives them before the milliseconds."""
        second, text = self._second  # one read: a worker's threads may format at once
        if second != whole:
            text = time.strftime(self.default_time_format, self.converter(whole))
            self._second = (whole, text)
        return text


_MSEC_FORMAT = logging.Formatter.default_msec_format  # "%s,%03d": built by `line` in one f-string


def _record_of(created: float, name: str, msg: str, args: tuple[object, ...]) -> logging.LogRecord:
    record = logging.LogRecord(name, logging.INFO, "(unknown file)", 0, msg, args, None)
    record.created, record.msecs = created, _msecs(created)
    return record


def _msecs(created: float) -> float:
    """The milliseconds LogRecord derives from its creation time."""
    return int((created - int(created)) * 1000) + 0.0


class BatchingStreamHandler(logging.StreamHandler):
    """logging.StreamHandler, except that lines coming faster than one per `delay` seconds are
    written together, at most `delay` seconds late.

    A write per line was a system call per request, during which the worker's other threads took
    the GIL. A line after a quiet spell (the first, a developer's single call) is written at once;
    under load, a thread of this process writes each batch. What is still waiting is written before
    a fork (no child repeats its parent's lines) and at exit: logging's own flush at an
    interpreter's exit, multiprocessing's finalizers in a granian worker, which ends in `os._exit`.
    A process killed outright loses at most `delay` seconds of lines. Past `max_pending` lines
    waiting (a stream that does not take them: a pipe nobody reads), a request waits for the write
    under way, as it did when it wrote its own line, rather than the lines growing without bound.
    """

    def __init__(
        self, stream: TextIO | None = None, delay: float = FLUSH_DELAY, max_pending: int = MAX_PENDING
    ) -> None:
        super().__init__(stream)
        self.delay = delay
        self.max_pending = max_pending
        self._start_afresh()
        os.register_at_fork(before=self.flush, after_in_child=self._start_afresh)

    def emit(self, record: logging.LogRecord) -> None:
        """Called with the handler's lock held, as logging calls every handler's `emit`."""
        try:
            line = self.format(record) + self.terminator
        except Exception:  # as logging's own handlers: a record that cannot be formatted is reported
            self.handleError(record)
            return
        if not self._pending and record.created - self._written_at >= self.delay:
            self._write(line)
            return
        self._pending.append(line)  # before the check: a batch taken after the check below holds it
        self._signal_writer()

    def request_line(self, name: str, msg: str, args: tuple[object, ...]) -> None:
        """An INFO line of logger `name`, `msg % args`, without a record, through the formatter's
        `line`. A served mock's request lines come this way (`attach`); a line after a quiet spell
        is written at once, as in `emit`.

        Formatted here, in the request's thread: a batch formatted by the writer's thread held the
        GIL for milliseconds at a time while the worker's request threads waited (bench/FINDINGS.md).
        """
        created = time.time()
        line = self._text(created, name, msg, args)
        if not self._pending and created - self._written_at >= self.delay:
            with self.lock:  # type: ignore[union-attr]  # Handler.__init__ made it
                self._write(line)
            return
        if len(self._pending) >= self.max_pending:
            with self.lock:  # type: ignore[union-attr]  # held by the writer while a batch is written
                pass
        if line:
            self._pending.append(line)  # a deque: appended to without the lock
            self._signal_writer()

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]  # Handler.__init__ made it
            pending, texts = self._pending, []
            while pending:  # only a flush takes lines out, under the lock; others may append meanwhile
                texts.append(pending.popleft())
            self._write("".join(texts))

    def _text(self, created: float, name: str, msg: str, args: tuple[object, ...]) -> str:
        try:
            if isinstance(self.formatter, SecondCachingFormatter):
                return self.formatter.line(created, name, msg, args) + self.terminator
            return self.format(_record_of(created, name, msg, args)) + self.terminator  # set since `attach`
        except Exception:  # as `emit`: reported by logging's own means, the other lines written
            self.handleError(_record_of(created, name, msg, args))
            return ""

    def _signal_writer(self) -> None:
        if not self._due.is_set():
            if not self._writing:
                with self.lock:  # type: ignore[union-attr]  # reentrant: `emit` holds it already
                    if not self._writing:
                        self._start_writer()
            self._due.set()

    def _write(self, text: str) -> None:
        if not text:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # stderr closed or full: where else would this be reported?
            pass  # the lines are dropped, as logging drops a line it cannot write; the next may pass
        self._written_at = time.time()  # the clock of LogRecord.created

    def _start_afresh(self) -> None:
        """Nothing waiting and no writer thread: a new handler, or a forked child (no threads)."""
        self._pending: deque[str] = deque()
        self._written_at = 0.0
        self._due = threading.Event()
        self._writing = False

    def _start_writer(self) -> None:
        from multiprocessing import util

        self._writing = True
        util.Finalize(self, self.flush, exitpriority=0)  # run by a multiprocessing child's exit
        threading.Thread(target=self._write_batches, name="request-log", daemon=True).start()

    def _write_batches(self) -> None:
        while True:
            self._due.wait()
            time.sleep(self.delay)  # the lines of this interval join the batch
            self._due.clear()
            self.flush()


def configure() -> None:
    """The root logger at INFO, writing to stderr in batches: unless it has a handler already, as
    in a granian worker forked from the process that configured it (logging.basicConfig's rule)."""
    root = logging.getLogger()
    if not root.handlers:
        to_stderr = BatchingStreamHandler()
        to_stderr.setFormatter(SecondCachingFormatter(FORMAT))
        logging.basicConfig(level=logging.INFO, handlers=[to_stderr])
    logging._srcfile = None  # the HOWTO's switch for findCaller
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def attach(app: Flask) -> None:
    """The app's request lines straight to the root's batching handler, which formats each without
    a record and writes them in batches: a line through `logging` (a record, its handling, its
    formatting) was most of the line's cost. Only where `logging` would do just that: the mock's
    logger plain, the root's one handler ours. The lines are the same; any other set-up keeps
    `logging`."""
    from ..app import REQUEST_LOG_KEY
    from ..app import log as app_log

    handlers = logging.getLogger().handlers
    handler = handlers[0] if len(handlers) == 1 else None
    plain_logger = (
        app_log.isEnabledFor(logging.INFO)
        and app_log.propagate
        and not app_log.handlers
        and not app_log.filters
    )
    if (
        plain_logger
        and isinstance(handler, BatchingStreamHandler)
        and isinstance(handler.formatter, SecondCachingFormatter)
        and not handler.filters
        and handler.level <= logging.INFO
    ):
        app.extensions[REQUEST_LOG_KEY] = handler.request_line
