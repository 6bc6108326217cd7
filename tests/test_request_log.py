"""The served mock's log line: the same timestamps as logging's own formatter, made once a second;
lines written together under load, yet none late after a quiet spell, lost at exit or repeated by a fork."""

from __future__ import annotations

import io
import logging
import multiprocessing
import threading
from pathlib import Path

import pytest

from mockserver.serving.request_log import FORMAT, BatchingStreamHandler, SecondCachingFormatter

LONG = 3600.0  # a batch delay no test outlives: what is written, the test's own steps wrote

# Around a second's edge, a minute's and a year's, in the order a log meets them and back again.
CREATED = [
    1_764_568_799.001,
    1_764_568_799.999,
    1_764_568_800.0,
    1_764_568_800.5,
    1_767_225_599.9994,
    1_767_225_600.0,
]


def _record(created: float) -> logging.LogRecord:
    record = logging.LogRecord("mockserver", logging.INFO, "(unknown file)", 0, "%s", ("GET /me 200",), None)
    record.created = created
    record.msecs = (created - int(created)) * 1000  # as LogRecord derives it from `created`
    return record


def test_each_line_has_the_timestamp_logging_would_give() -> None:
    cached, plain = SecondCachingFormatter(FORMAT), logging.Formatter(FORMAT)
    for created in [*CREATED, *reversed(CREATED)]:  # back too: a stale second would show
        record = _record(created)
        assert cached.format(record) == plain.format(record)


def test_an_explicit_date_format_is_logging_own() -> None:
    record = _record(CREATED[0])
    assert SecondCachingFormatter(FORMAT).formatTime(record, "%H:%M") == logging.Formatter().formatTime(
        record, "%H:%M"
    )


def test_configure_logs_through_the_caching_formatter(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.serving import request_log

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # as in a fresh serving process; restored afterwards
    for switch in ("logThreads", "logProcesses", "logMultiprocessing", "_srcfile"):
        monkeypatch.setattr(logging, switch, getattr(logging, switch))
    monkeypatch.setattr(root, "level", root.level)
    request_log.configure()
    (handler,) = root.handlers
    assert type(handler) is BatchingStreamHandler
    assert type(handler.formatter) is SecondCachingFormatter
    assert handler.formatter._fmt == FORMAT
    request_log.configure()  # again, as a granian worker forked from the configured process does
    assert root.handlers == [handler]


def _line(handler: logging.Handler, text: str) -> None:
    """One record through the handler as a logger hands it over (the handler's lock held)."""
    handler.handle(logging.LogRecord("mockserver", logging.INFO, "(unknown file)", 0, "%s", (text,), None))


def test_a_line_after_a_quiet_spell_is_written_at_once() -> None:
    stream = io.StringIO()
    _line(BatchingStreamHandler(stream, delay=LONG), "GET /me 200")
    assert stream.getvalue() == "GET /me 200\n"


def test_lines_closer_than_the_delay_wait_for_the_batch_in_their_order() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, delay=LONG)
    for number in range(4):
        _line(handler, f"line {number}")
    assert stream.getvalue() == "line 0\n"
    handler.flush()
    assert stream.getvalue() == "".join(f"line {number}\n" for number in range(4))


class _SignallingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.written = threading.Event()

    def write(self, text: str) -> int:
        self.written.set()
        return super().write(text)


def test_the_handler_thread_writes_a_batch_without_another_line() -> None:
    stream = _SignallingStream()
    handler = BatchingStreamHandler(stream, delay=0.01)
    _line(handler, "first")
    stream.written.clear()
    _line(handler, "second")  # within the delay of the first: waits for the thread
    assert stream.written.wait(timeout=10), "the batch was never written"
    assert stream.getvalue() == "first\nsecond\n"


class _FailingOnce(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    def write(self, text: str) -> int:
        if not self.failed:
            self.failed = True
            raise OSError(28, "No space left on device")
        return super().write(text)


def test_a_write_that_fails_drops_its_lines_and_the_next_ones_get_through() -> None:
    stream = _FailingOnce()
    handler = BatchingStreamHandler(stream, delay=LONG)
    _line(handler, "lost")
    _line(handler, "kept")
    handler.flush()
    assert stream.getvalue() == "kept\n"


def _in_forked_worker(handler: BatchingStreamHandler) -> None:
    _line(handler, "child 1")
    _line(handler, "child 2")  # waits for the batch: only the worker's exit writes it


def test_a_forked_worker_neither_repeats_its_parents_lines_nor_loses_its_own(tmp_path: Path) -> None:
    """granian's workers are forked multiprocessing children, and end in os._exit."""
    log = tmp_path / "mock.log"
    with log.open("w") as stream:
        handler = BatchingStreamHandler(stream, delay=LONG)
        _line(handler, "parent 1")
        _line(handler, "parent 2")  # waiting when the fork comes
        worker = multiprocessing.get_context("fork").Process(target=_in_forked_worker, args=(handler,))
        worker.start()
        worker.join(timeout=30)
        if worker.is_alive():
            worker.kill()
        assert worker.exitcode == 0
        handler.flush()
    assert log.read_text().splitlines() == ["parent 1", "parent 2", "child 1", "child 2"]
