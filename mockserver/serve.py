"""Serve a mock in the foreground until interrupted: granian workers by default, or werkzeug.

granian was chosen by measurement (see bench/): on 2 cores it served a bare Flask endpoint about
12 times faster than werkzeug's threaded server. Its workers are processes, so they share the
mock's state through a store: a private directory unless --store names a Redis server.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from dataclasses import fields
from pathlib import Path

from .settings import ENV_PREFIX, Settings

__all__ = ["serve", "settings_environment"]

log = logging.getLogger("mockserver")


def serve(settings: Settings) -> None:
    if settings.server == "werkzeug":
        _serve_werkzeug(settings)
        return
    workers = settings.workers or os.cpu_count() or 1
    private_dir = None
    if settings.store == "memory:" and workers > 1:
        private_dir = Path(tempfile.mkdtemp(prefix="authcontract-state-"))
        settings = settings.replace(store=f"file://{private_dir}")
    try:
        _serve_granian(settings, workers)
    finally:
        if private_dir is not None:
            shutil.rmtree(private_dir, ignore_errors=True)


def settings_environment(settings: Settings) -> dict[str, str]:
    """The settings as MOCKSERVER_* variables: how granian's worker processes receive them."""
    environment = {}
    for field in fields(Settings):
        value = getattr(settings, field.name)
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, tuple):
            text = json.dumps(list(value))
        else:
            text = str(value)
        environment[f"{ENV_PREFIX}{field.name.upper()}"] = text
    return environment


def _serve_granian(settings: Settings, workers: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    os.environ.update(settings_environment(settings))
    log.info(
        "serving the mock on http://%s:%d (granian, %d workers, store %s)",
        settings.host,
        settings.port,
        workers,
        settings.store.split("://")[0],
    )
    Granian(
        "mockserver.wsgi:app_from_environment",
        factory=True,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=workers,
        log_access=False,
    ).serve()


def _serve_werkzeug(settings: Settings) -> None:
    from werkzeug.serving import make_server

    from .app import create_app
    from .server import QuietRequestHandler

    server = make_server(
        settings.host, settings.port, create_app(settings), threaded=True, request_handler=QuietRequestHandler
    )
    log.info("serving the mock on http://%s:%d (werkzeug)", settings.host, server.server_port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
