"""The served mock's log line: the same timestamps as logging's own formatter, made once a second;
lines written together under load, yet none late after a quiet spell, lost at exit or repeated by a fork."""

from __future__ import annotations

import contextlib
import io
import logging
import multiprocessing
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from mockserver.serving.request_log import FORMAT, BatchingStreamHandler, SecondCachingFormatter
from mockserver.settings import Settings

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


def _made_at(
    created: float, msg: str = "%s", args: tuple[object, ...] = ("GET /me 200",)
) -> logging.LogRecord:
    record = logging.LogRecord("mockserver", logging.INFO, "(unknown file)", 0, msg, args, None)
    record.created, record.msecs = created, int((created - int(created)) * 1000) + 0.0  # as LogRecord does
    return record


def test_each_line_has_the_timestamp_logging_would_give() -> None:
    cached, plain = SecondCachingFormatter(FORMAT), logging.Formatter(FORMAT)
    for created in [*CREATED, *reversed(CREATED)]:  # back too: a stale second would show
        record = _made_at(created)
        assert cached.format(record) == plain.format(record)


def test_no_millisecond_format_leaves_them_out_as_logging_does() -> None:
    cached, plain = SecondCachingFormatter(FORMAT), logging.Formatter(FORMAT)
    cached.default_msec_format = plain.default_msec_format = None  # logging's documented switch
    for created in CREATED:
        record = _made_at(created)
        assert cached.format(record) == plain.format(record)
        assert cached.line(created, "mockserver", "%s", ("GET /me 200",)) == plain.format(record)


def test_an_explicit_date_format_is_logging_own() -> None:
    record = _made_at(CREATED[0])
    assert SecondCachingFormatter(FORMAT).formatTime(record, "%H:%M") == logging.Formatter().formatTime(
        record, "%H:%M"
    )


def test_configure_logs_through_the_caching_formatter(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.serving import request_log

    for switch in ("logThreads", "logProcesses", "logMultiprocessing", "_srcfile"):
        monkeypatch.setattr(logging, switch, getattr(logging, switch))
    with _served_root() as root:  # no handler yet, as in a fresh serving process
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


@pytest.mark.processes
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


REQUEST = ("%s %s %s %.1fms", ("GET", "/me", 200, 1.25))  # as the app hands a request's line over


@pytest.mark.parametrize("layout", [FORMAT, "%(levelname)s %(name)s: %(message)s"])
def test_a_request_line_reads_as_logging_would_format_its_record(layout: str) -> None:
    made, plain = SecondCachingFormatter(layout), logging.Formatter(layout)
    for created in [*CREATED, *reversed(CREATED)]:
        assert made.line(created, "mockserver", *REQUEST) == plain.format(_made_at(created, *REQUEST))


def _formatted_handler(stream: io.StringIO, delay: float = LONG) -> BatchingStreamHandler:
    handler = BatchingStreamHandler(stream, delay=delay)
    handler.setFormatter(SecondCachingFormatter(FORMAT))
    return handler


def _messages(stream: io.StringIO) -> list[str]:
    """The lines without their timestamps (date, time): `mockserver <message>`."""
    return [line.split(" ", 2)[2] for line in stream.getvalue().splitlines()]


def test_a_request_line_after_a_quiet_spell_is_written_at_once() -> None:
    stream = io.StringIO()
    _formatted_handler(stream).request_line("mockserver", *REQUEST)
    assert _messages(stream) == ["mockserver GET /me 200 1.2ms"]


def test_request_lines_and_records_keep_their_order_in_a_batch() -> None:
    stream = io.StringIO()
    handler = _formatted_handler(stream)
    _line(handler, "started")  # after a quiet spell: written at once
    handler.request_line("mockserver", "%s", ("first request",))
    _line(handler, "a record between")
    handler.request_line("mockserver", "%s", ("second request",))
    assert _messages(stream) == ["mockserver started"]
    handler.flush()
    expected = ["started", "first request", "a record between", "second request"]
    assert _messages(stream) == [f"mockserver {message}" for message in expected]


def test_the_handler_thread_writes_a_batch_of_request_lines() -> None:
    stream = _SignallingStream()
    handler = _formatted_handler(stream, delay=0.01)
    handler.request_line("mockserver", "%s", ("first",))
    stream.written.clear()
    handler.request_line("mockserver", "%s", ("second",))  # within the delay: waits for the thread
    assert stream.written.wait(timeout=10), "the batch was never written"
    assert _messages(stream) == ["mockserver first", "mockserver second"]


@contextlib.contextmanager
def _served_root(*handlers: logging.Handler) -> Iterator[logging.Logger]:
    """The root logger as in a fresh serving process, within a test's body: pytest adds its capture
    handlers to the root's list as the body starts and takes them from the list there as it ends,
    so the list is swapped back here, before the body ends (monkeypatch would restore it later)."""
    root = logging.getLogger()
    handlers_before, level_before = root.handlers, root.level
    root.handlers = list(handlers)
    root.setLevel(logging.INFO)  # setLevel, not the attribute: loggers cache what is enabled
    try:
        yield root
    finally:
        root.handlers = handlers_before
        root.setLevel(level_before)


def test_an_attached_app_writes_its_request_lines_through_the_handler() -> None:
    from mockserver import create_app
    from mockserver.app import REQUEST_LOG_KEY
    from mockserver.serving import request_log

    stream = io.StringIO()
    app = create_app(Settings(log_requests=True))
    with _served_root(_formatted_handler(stream)):
        request_log.attach(app)
        app.test_client().get("/me?access_token=secret-in-the-query")
    assert REQUEST_LOG_KEY in app.extensions
    (line,) = _messages(stream)
    assert line.startswith("mockserver GET /me?access_token=*** 401 ")
    assert line.endswith("ms")
    assert "secret-in-the-query" not in stream.getvalue()


@pytest.mark.parametrize("where", ["on the mock's logger", "on the root"])
def test_a_second_handler_keeps_logging(where: str) -> None:
    from mockserver import create_app
    from mockserver.app import REQUEST_LOG_KEY
    from mockserver.serving import request_log

    stream, seen = io.StringIO(), _Collecting()
    mock_log = logging.getLogger("mockserver")
    app = create_app(Settings(log_requests=True))
    with _served_root(_formatted_handler(stream)) as root, contextlib.ExitStack() as undo:
        on = mock_log if where == "on the mock's logger" else root
        on.addHandler(seen)
        undo.callback(on.removeHandler, seen)
        request_log.attach(app)
        app.test_client().get("/me")
    assert REQUEST_LOG_KEY not in app.extensions
    assert [record.getMessage().split(" ")[:3] for record in seen.records] == [["GET", "/me", "401"]]


def test_a_root_above_info_writes_no_request_line() -> None:
    from mockserver import create_app
    from mockserver.serving import request_log

    stream = io.StringIO()
    app = create_app(Settings(log_requests=True))
    with _served_root(_formatted_handler(stream)) as root:
        root.setLevel(logging.WARNING)
        request_log.attach(app)
        app.test_client().get("/me")
    assert stream.getvalue() == ""


class _Collecting(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_request_line_that_cannot_be_formatted_is_reported_and_the_others_written() -> None:
    stream, reported = io.StringIO(), []
    handler = _formatted_handler(stream)
    handler.handleError = reported.append  # type: ignore[method-assign] - logging's report, collected
    _line(handler, "started")
    handler.request_line("mockserver", "%d", ("not a number",))
    handler.request_line("mockserver", "%s", ("next",))
    handler.flush()
    assert _messages(stream) == ["mockserver started", "mockserver next"]
    assert [record.msg for record in reported] == ["%d"]


def test_a_formatter_set_since_attach_formats_the_request_lines() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, delay=LONG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.request_line("mockserver", *REQUEST)
    assert stream.getvalue() == "INFO mockserver: GET /me 200 1.2ms\n"


def test_past_the_bound_a_request_waits_for_the_write_under_way() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, delay=LONG, max_pending=2)
    handler.setFormatter(SecondCachingFormatter(FORMAT))
    handler.request_line("mockserver", "%s", ("a",))  # after a quiet spell: written at once
    handler.request_line("mockserver", "%s", ("b",))  # waits, and starts the writer's thread
    requests = threading.Thread(
        target=lambda: [handler.request_line("mockserver", "%s", (text,)) for text in "cd"], daemon=True
    )
    with handler.lock:  # as the writer holds it while a stream that takes nothing blocks its write
        requests.start()
        requests.join(timeout=0.5)
        assert requests.is_alive(), "a line past the bound was queued while the write was stuck"
    requests.join(timeout=10)
    assert not requests.is_alive()
    handler.flush()
    assert _messages(stream) == [f"mockserver {text}" for text in "abcd"]


# Issue 31 item 16: Unicode line separators and format controls reached the log raw.
INVISIBLE = "\u2028\u2029\u202e\u200f\u2066\u061c\ufeff\u0085\U000e0001"


def test_unicode_line_and_format_controls_are_escaped_in_every_line() -> None:
    formatter = SecondCachingFormatter(FORMAT)
    path = f"/me{INVISIBLE}x"
    line = formatter.line(CREATED[0], "mockserver", "%s %s %s", ("GET", path, 404))
    formatted = formatter.format(_made_at(CREATED[0], "%s", (path,)))
    for text in (line, formatted):
        assert text.isprintable(), ascii(text)
        assert "\\u2028\\u2029\\u202e\\u200f\\u2066\\u061c\\ufeff\\x85\\U000e0001x" in text
    assert SecondCachingFormatter(FORMAT).format(_made_at(CREATED[0])).endswith("GET /me 200")  # as it was


@pytest.mark.processes
def test_a_served_mock_logs_such_a_path_escaped(tmp_path: Path) -> None:
    from ..processes import TIMEOUT, mock_process

    with mock_process("--server", "werkzeug", log_file=tmp_path / "log") as running:
        escaped_path = quote(f"/me/{INVISIBLE}")
        assert requests.get(f"{running.url}{escaped_path}", timeout=TIMEOUT).status_code == 404
        deadline = time.monotonic() + TIMEOUT
        while "404" not in running.log():
            assert time.monotonic() < deadline, ascii(running.log()[-2000:])
            time.sleep(0.05)  # polling for the log line, not waiting for expiry
        log = running.log()
    assert not any(char in log for char in INVISIBLE), ascii(log[-2000:])
    assert "/me/\\u2028\\u2029\\u202e" in log
