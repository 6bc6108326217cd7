"""The log line of a served request, one format for every way a request is answered."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from ..core.redaction import loggable, redact_query

__all__ = ["REQUEST_LINE", "REQUEST_LOG_KEY", "RequestLogWriter", "log_request"]

REQUEST_LINE = "%s %s %s %.1fms"  # method, path, status, milliseconds
# app.extensions[REQUEST_LOG_KEY]: where a served mock's request lines go instead of `log.info`,
# as (logger name, REQUEST_LINE, its fields); set by the serving layer (`request_log.attach`).
REQUEST_LOG_KEY = "mockserver.request_log"
RequestLogWriter = Callable[[str, str, tuple[object, ...]], None]
log = logging.getLogger("mockserver")


def log_request(
    extensions: Mapping[str, Any],
    environ: Mapping[str, Any],
    method: str,
    path: str,
    status: int,
    started: float | None,
) -> None:
    """One line per request, the query redacted: to the served mock's writer, else `log.info`.

    `method` and `path` as werkzeug reads them (`request.method`, `request.path`); the query is
    read from the environ.
    """
    write: RequestLogWriter | None = extensions.get(REQUEST_LOG_KEY)
    if write is None and not log.isEnabledFor(logging.INFO):
        return
    elapsed_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    query = environ.get("QUERY_STRING", "")
    if query:
        query = redact_query(query)
    line_path = f"{path}?{query}" if query else path
    if not line_path.isprintable():  # what `loggable` escapes is never printable: nearly every path is
        line_path = loggable(line_path)
    fields = (method, line_path, status, elapsed_ms)
    if write is None:
        log.info(REQUEST_LINE, *fields)
    else:
        write(log.name, REQUEST_LINE, fields)
