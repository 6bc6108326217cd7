"""The log a served mock writes, a line per request: set up once per process, the same way by the
command line and by every granian worker.

A line costs every request, so the record skips what the format never shows: the caller's file and
line (a walk up the stack), the thread, the process and the multiprocessing names. These are the
module-level switches the logging HOWTO gives for this ("Optimization"); they are set only in a
process that serves, never by `create_app`, so an application embedding the mock keeps its own.
"""

from __future__ import annotations

import logging

__all__ = ["FORMAT", "configure"]

FORMAT = "%(asctime)s %(name)s %(message)s"


def configure() -> None:
    logging.basicConfig(level=logging.INFO, format=FORMAT)
    logging._srcfile = None  # type: ignore[attr-defined] - the HOWTO's switch for findCaller
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
