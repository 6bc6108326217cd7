"""The WSGI entry point of a worker process: settings from MOCKSERVER_* variables, read once.

A worker dies with granian's main process: an orphaned worker would go on serving the port.
"""

from __future__ import annotations

import multiprocessing
import os

from flask import Flask

from ..app import create_app
from ..settings import load_settings
from . import request_log
from .lifetime import die_with_parent

__all__ = ["app_from_environment"]


def app_from_environment() -> Flask:
    parent = multiprocessing.parent_process()
    die_with_parent(parent.pid if parent is not None else None)
    settings = load_settings(environ=os.environ)
    if settings.log_requests:
        request_log.configure()
    app = create_app(settings)
    if settings.log_requests:
        request_log.attach(app)
    return app
