"""The log a served mock writes, a line per request: set up once per process, the same way by the
command line and by every granian worker.

A line costs every request, so the record skips what the format never shows: the caller's file and
line (a walk up the stack), the thread, the process and the multiprocessing names. These are the
module-level switches the logging HOWTO gives for this ("Optimization"); they are set only in a
process that serves, never by `create_app`, so an application embedding the mock keeps its own.
"""

from __future__ import annotations

import logging
import time

__all__ = ["FORMAT", "SecondCachingFormatter", "configure"]

FORMAT = "%(asctime)s %(name)s %(message)s"


class SecondCachingFormatter(logging.Formatter):
    """logging.Formatter's timestamps, the date and time part made once per second rather than per
    line: `localtime` and `strftime` were a sixth of a line's CPU. Only the default layout is
    cached; a `datefmt` goes to logging's own `formatTime`."""

    _second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        whole = int(record.created)
        second, text = self._second  # one read: a worker's threads may format at once
        if second != whole:
            text = time.strftime(self.default_time_format, self.converter(whole))
            self._second = (whole, text)
        return self.default_msec_format % (text, record.msecs)


def configure() -> None:
    to_stderr = logging.StreamHandler()
    to_stderr.setFormatter(SecondCachingFormatter(FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=[to_stderr])  # as before: a no-op if the root has one
    logging._srcfile = None  # type: ignore[attr-defined] - the HOWTO's switch for findCaller
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
