"""The WSGI entry point of a worker process: settings from MOCKSERVER_* variables, read once.

A worker dies with granian's main process: an orphaned worker would go on serving the port.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import MutableMapping

from flask import Flask

from ..app import create_app
from ..settings import ENV_PREFIX, load_settings
from . import request_log
from .lifetime import die_with_parent

__all__ = ["app_from_environment"]


def app_from_environment() -> Flask:
    parent = multiprocessing.parent_process()
    die_with_parent(parent.pid if parent is not None else None)
    settings = load_settings(environ=os.environ)
    _forget_settings_variables()
    if settings.log_requests:
        request_log.configure()
    app = create_app(settings)
    if settings.log_requests:
        request_log.attach(app)
    return app


def _forget_settings_variables(environ: MutableMapping[str, str] = os.environ) -> None:
    """The MOCKSERVER_* variables, read: granian copies this process's environment into every
    request's WSGI environ, where each one more key costs every request (the journal reads the
    environ's headers), and nothing reads them again (settings are read once)."""
    for key in [key for key in environ if key.startswith(ENV_PREFIX)]:
        del environ[key]
