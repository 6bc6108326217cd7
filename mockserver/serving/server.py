"""MockServer: the mock on a free loopback port in a thread, for tests to start and stop."""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ..app import create_app
from ..core.state import EXTENSION_KEY, MockState
from ..settings import Settings
from .tls import TlsFiles, server_context, tls_files

__all__ = ["MockServer", "QuietRequestHandler"]

POLL_INTERVAL = 0.02  # how soon stop() is noticed; the default half second slows every test


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's logs print the raw query string, passwords included; the app logs instead."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass

    def log_error(self, format: str, *args: Any) -> None:
        """The base message quotes the raw request line, password and all: only the status is kept."""
        status = args[0] if args and isinstance(args[0], int) else "error"
        self.log("error", "refused a request it could not parse (%s)", status)


class MockServer:
    """Serve a mock on 127.0.0.1 and a free port until stop(); also a context manager.

    The host and port of `settings` are for `make run`; a test server takes its own, a free
    loopback port unless told otherwise. With `tls` (or `tls_cert`) set it serves HTTPS, and
    `ca_bundle` is the file a client must trust.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        app: Flask | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.app = app or create_app(settings)
        self._tls: TlsFiles | None = None
        self._host = host
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> MockState:
        return self.app.extensions[EXTENSION_KEY]

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the mock server is not running")
        return self._server.server_port

    @property
    def url(self) -> str:
        scheme = "https" if self._tls else "http"
        return f"{scheme}://{self._host}:{self.port}"

    @property
    def ca_bundle(self) -> Path | None:
        """The test CA's certificate (PEM) to verify this server with; None over http or a given cert."""
        return self._tls.ca_bundle if self._tls else None

    def url_for(self, path: str) -> str:
        return self.url + "/" + path.lstrip("/")

    def start(self) -> MockServer:
        if self._server is not None:
            raise RuntimeError("the mock server is already running")
        self._tls = tls_files(self.state.settings)
        self._server = make_server(
            self._host,
            self._port,
            self.app,
            threaded=True,
            request_handler=QuietRequestHandler,
            ssl_context=server_context(self._tls) if self._tls else None,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name=f"mockserver:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
        if self._tls is not None:
            self._tls.remove()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
