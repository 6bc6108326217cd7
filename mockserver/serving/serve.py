"""Serve a mock in the foreground until interrupted: granian workers by default, or werkzeug.

granian was chosen by measurement against werkzeug's threaded server (bench/FINDINGS.md). Its
workers are processes, so they share the mock's state through a store: a private directory unless
--store names a Redis server.

Either server claims its port first (ports.py): a busy port, a second mock's included, stops the
start with one line. Both close a connection whose client is silent for --read-timeout seconds
while sending headers (granian) or any part of a request (werkzeug); see the README for the limits.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import fields
from typing import Any

from ..settings import DEFAULT_READ_TIMEOUT, ENV_PREFIX, Settings
from .ports import claim_for_granian, display_address, listening_socket
from .tls import TlsFiles, tls_files

__all__ = [
    "MOCK_TARGET",
    "granian_arguments",
    "prepare_worker_environment",
    "serve",
    "settings_environment",
    "shared_store",
]

MOCK_TARGET = "mockserver.serving.wsgi:app_from_environment"
# Connections a granian worker serves at once, and threads it may run the app on: a request whose
# body is still arriving holds a thread (granian has no body timeout), so there are many; idle
# threads end after 30 s. granian's defaults (512 and 256 on 2 cores) stopped answering under
# 800 slow clients.
CONNECTIONS_PER_WORKER = 4096
THREADS_PER_WORKER = 2048
# werkzeug runs a thread per connection. With 2,000 slow clients leaving at once the whole process
# hung here: glibc 2.36 lost a wake-up of the GIL's condition variable (glibc bug 25847), a race
# that the GIL's timed waits (one per switch interval, 5 ms by default) trigger. Waiting 50 ms made
# it go away in every trial; a request may then wait that long for a busy thread.
WERKZEUG_SWITCH_INTERVAL = 0.05
# granian builds each request's WSGI environ on a copy of its worker's os.environ, as PEP 3333
# allows, so a variable named like a CGI request meta-variable (RFC 3875) reads as part of every
# request: HTTP_PROXY as a `Proxy` header, CONTENT_TYPE as the type of a body never sent,
# HTTP_AUTHORIZATION as a credential no client sent. The workers start without them.
REQUEST_VARIABLES = frozenset(
    {
        "AUTH_TYPE",
        "CONTENT_LENGTH",
        "CONTENT_TYPE",
        "PATH_TRANSLATED",
        "REMOTE_HOST",
        "REMOTE_IDENT",
        "REMOTE_USER",
    }
)
log = logging.getLogger("mockserver")


def serve(settings: Settings) -> None:
    tls = tls_files(settings)
    try:
        if settings.server == "werkzeug":
            _serve_werkzeug(settings, tls)
            return
        workers = settings.workers or os.cpu_count() or 1
        holder = claim_for_granian(settings.host, settings.port)
        try:
            port = holder.getsockname()[1]
            with shared_store(settings.replace(port=port), workers) as shared:
                _serve_granian(shared, workers, tls)
        finally:
            holder.close()
    finally:
        if tls is not None:
            tls.remove()


def _served_at(settings: Settings, port: int, tls: TlsFiles | None) -> str:
    """The URL the mock answers on, and where the test CA is when one was made for this run."""
    url = f"{'https' if tls else 'http'}://{display_address(settings.host, port)}"
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
    host: str,
    port: int,
    workers: int,
    target: str = MOCK_TARGET,
    read_timeout: int = DEFAULT_READ_TIMEOUT,
    tls: TlsFiles | None = None,
) -> dict[str, Any]:
    """Granian's keyword arguments; bench/ serves its bare yardstick app with the same ones.

    header_read_timeout also closes a keep-alive connection idle for that long.
    """
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

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
        "http1_settings": HTTP1Settings(header_read_timeout=read_timeout * 1000, keep_alive=True),
        "backpressure": CONNECTIONS_PER_WORKER,
        "blocking_threads": THREADS_PER_WORKER,
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


def prepare_worker_environment(settings: Settings, environ: MutableMapping[str, str] = os.environ) -> None:
    """What granian's workers inherit: the settings as MOCKSERVER_* variables, and none of the
    variables a WSGI environ would pass off as the request's (their names are logged, never values)."""
    environ.update(settings_environment(settings))
    dropped = sorted(key for key in environ if key.startswith("HTTP_") or key in REQUEST_VARIABLES)
    for key in dropped:
        del environ[key]
    if dropped:
        names = ", ".join(dropped)
        log.info("not passed to the workers, as they would read as part of every request: %s", names)


def _serve_granian(settings: Settings, workers: int, tls: TlsFiles | None) -> None:
    from granian import Granian

    prepare_worker_environment(settings)
    log.info(
        "serving the mock on %s (granian, %d workers, store %s)",
        _served_at(settings, settings.port, tls),
        workers,
        settings.store.split("://")[0],
    )
    arguments = granian_arguments(
        settings.host, settings.port, workers, read_timeout=settings.read_timeout, tls=tls
    )
    Granian(**arguments).serve()


def _serve_werkzeug(settings: Settings, tls: TlsFiles | None) -> None:
    from ..app import create_app
    from . import request_log
    from .server import make_mock_server

    app = create_app(settings)
    if settings.log_requests:
        request_log.attach(app)
    sock = listening_socket(settings.host, settings.port)
    sys.setswitchinterval(WERKZEUG_SWITCH_INTERVAL)
    server = make_mock_server(
        settings.host, settings.port, app, read_timeout=settings.read_timeout, tls=tls, fd=sock.fileno()
    )
    sock.close()  # werkzeug serves from its own duplicate of the descriptor
    log.info("serving the mock on %s (werkzeug)", _served_at(settings, server.port, tls))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
