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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from typing import Any

from ..settings import ENV_PREFIX, Settings

__all__ = ["MOCK_TARGET", "granian_arguments", "serve", "settings_environment", "shared_store"]

MOCK_TARGET = "mockserver.serving.wsgi:app_from_environment"
log = logging.getLogger("mockserver")


def serve(settings: Settings) -> None:
    if settings.server == "werkzeug":
        _serve_werkzeug(settings)
        return
    workers = settings.workers or os.cpu_count() or 1
    with shared_store(settings, workers) as shared:
        _serve_granian(shared, workers)


@contextmanager
def shared_store(settings: Settings, workers: int) -> Iterator[Settings]:
    """Several workers of the in-memory mock share a private directory, removed afterwards."""
    if settings.store != "memory:" or workers < 2:
        yield settings
        return
    private_dir = tempfile.mkdtemp(prefix="authcontract-state-")
    try:
        yield settings.replace(store=f"file://{private_dir}")
    finally:
        shutil.rmtree(private_dir, ignore_errors=True)


def granian_arguments(host: str, port: int, workers: int, target: str = MOCK_TARGET) -> dict[str, Any]:
    """Granian's keyword arguments; bench/ serves its bare yardstick app with the same ones."""
    from granian.constants import Interfaces

    return {
        "target": target,
        "factory": True,
        "address": host,
        "port": port,
        "interface": Interfaces.WSGI,
        "workers": workers,
        "log_access": False,
    }


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

    os.environ.update(settings_environment(settings))
    log.info(
        "serving the mock on http://%s:%d (granian, %d workers, store %s)",
        settings.host,
        settings.port,
        workers,
        settings.store.split("://")[0],
    )
    Granian(**granian_arguments(settings.host, settings.port, workers)).serve()


def _serve_werkzeug(settings: Settings) -> None:
    from werkzeug.serving import make_server

    from ..app import create_app
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
