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
from .tls import TlsFiles, server_context, tls_files

__all__ = ["MOCK_TARGET", "granian_arguments", "serve", "settings_environment", "shared_store"]

MOCK_TARGET = "mockserver.serving.wsgi:app_from_environment"
log = logging.getLogger("mockserver")


def serve(settings: Settings) -> None:
    tls = tls_files(settings)
    try:
        if settings.server == "werkzeug":
            _serve_werkzeug(settings, tls)
            return
        workers = settings.workers or os.cpu_count() or 1
        with shared_store(settings, workers) as shared:
            _serve_granian(shared, workers, tls)
    finally:
        if tls is not None:
            tls.remove()


def _served_at(settings: Settings, port: int, tls: TlsFiles | None) -> str:
    """The URL the mock answers on, and where the test CA is when one was made for this run."""
    url = f"{'https' if tls else 'http'}://{settings.host}:{port}"
    if tls is not None and tls.ca_bundle is not None:
        return f"{url} (trust the test CA in {tls.ca_bundle}, e.g. REQUESTS_CA_BUNDLE={tls.ca_bundle})"
    return url


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


def granian_arguments(
    host: str, port: int, workers: int, target: str = MOCK_TARGET, tls: TlsFiles | None = None
) -> dict[str, Any]:
    """Granian's keyword arguments; bench/ serves its bare yardstick app with the same ones."""
    from granian.constants import Interfaces

    certificate = {"ssl_cert": tls.cert, "ssl_key": tls.key} if tls else {}
    return {
        **certificate,
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


def _serve_granian(settings: Settings, workers: int, tls: TlsFiles | None) -> None:
    from granian import Granian

    os.environ.update(settings_environment(settings))
    log.info(
        "serving the mock on %s (granian, %d workers, store %s)",
        _served_at(settings, settings.port, tls),
        workers,
        settings.store.split("://")[0],
    )
    Granian(**granian_arguments(settings.host, settings.port, workers, tls=tls)).serve()


def _serve_werkzeug(settings: Settings, tls: TlsFiles | None) -> None:
    from werkzeug.serving import make_server

    from ..app import create_app
    from .server import QuietRequestHandler

    server = make_server(
        settings.host,
        settings.port,
        create_app(settings),
        threaded=True,
        request_handler=QuietRequestHandler,
        ssl_context=server_context(tls) if tls else None,
    )
    log.info("serving the mock on %s (werkzeug)", _served_at(settings, server.server_port, tls))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
