"""The served mock's log line: the same timestamps as logging's own formatter, made once a second."""

from __future__ import annotations

import logging

import pytest

from mockserver.serving.request_log import FORMAT, SecondCachingFormatter

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
    assert type(handler.formatter) is SecondCachingFormatter
    assert handler.formatter._fmt == FORMAT
