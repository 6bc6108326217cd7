"""MockServer: the mock on a free loopback port in a thread, for tests to start and stop."""

from __future__ import annotations

import json
import re
import ssl
import threading
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ..app import create_app
from ..core.state import EXTENSION_KEY, MockState
from ..settings import DEFAULT_READ_TIMEOUT, Settings
from .tls import TlsFiles, server_context, tls_files

__all__ = ["MockServer", "QuietRequestHandler", "handler_with_timeout", "make_mock_server"]

POLL_INTERVAL = 0.02  # how soon stop() is noticed; the default half second slows every test


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's request handler, made to answer like the mock and to log nothing raw.

    werkzeug's logs print the raw query string, passwords included; the app logs instead. What
    the standard library refuses before the app is reached (a bad request line, `HTTP/2.0`) is
    answered with the mock's JSON error body rather than an HTML page, and the refusals werkzeug
    does not make itself are made here: a method that is not an RFC 9110 token (escape sequences
    would reach the console) and a `Content-Length` given twice with different values
    (RFC 9112 §6.3: last-one-wins would let two parsers read two different bodies).
    """

    timeout: ClassVar[float | None] = DEFAULT_READ_TIMEOUT  # seconds without a byte from the client

    def handle(self) -> None:
        """Over TLS, the handshake first, here in the connection's own thread and under its read
        timeout (see `make_mock_server`); a client that never completes it is closed quietly."""
        connection = self.connection
        if isinstance(connection, ssl.SSLSocket):
            try:
                connection.do_handshake()
            except OSError:  # ssl.SSLError, a timeout, a reset: nobody to answer
                self.close_connection = True
                return
        super().handle()

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass

    def log_error(self, format: str, *args: Any) -> None:
        """The base message quotes the raw request line, password and all: only the status is kept.

        A connection closed for being idle past the timeout is routine, not logged.
        """
        if format.startswith("Request timed out"):
            return
        status = args[0] if args and isinstance(args[0], int) else "error"
        self.log("error", "refused a request it could not parse (%s)", status)

    def parse_request(self) -> bool:
        reader = self.rfile
        self.rfile = recorder = _LastLine(reader)  # type: ignore[assignment]
        try:
            parsed = super().parse_request()
        finally:
            self.rfile = reader
        if recorder.last == b"" and self.command is not None:
            # The client left before the blank line that ends the headers: the standard library
            # would run the truncated request. Nobody is there to answer.
            self.close_connection = True
            return False
        if not parsed:
            return False
        if not _TOKEN.fullmatch(self.command or ""):
            self.send_error(400, "the method is not an HTTP token")
            return False
        lengths = {value.strip() for value in self.headers.get_all("Content-Length", [])}
        if len(lengths) > 1 or not all(_DIGITS.fullmatch(length) for length in lengths):
            self.send_error(400, "Content-Length must be given once, as a number of bytes")
            return False
        return True

    def handle_expect_100(self) -> bool:
        """werkzeug's run_wsgi writes `100 Continue` once the request is accepted; the standard
        library's, written here, would be a second one (and would precede a refusal)."""
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The mock's JSON error body; never the client's text, which may hold a password."""
        short, _ = self.responses.get(code, ("Error", ""))
        description = message if message in _OWN_DESCRIPTIONS else short
        self.log_error("code %d", code)
        if self.request_version == "HTTP/0.9":  # the standard library would send no status line
            self.request_version = "HTTP/1.0"
        body = json.dumps(
            {"error": short.lower().replace(" ", "_").replace("-", "_"), "error_description": description}
        ).encode()
        self.close_connection = True
        self.send_response(code, short)
        self.send_header("Connection", "close")
        if code >= 200 and code not in (204, 205, 304):
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        else:
            self.end_headers()


class _LastLine:
    """The handler's reader, remembering the last line read: b"" when the client closed."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self.last: bytes | None = None

    def readline(self, limit: int = -1) -> bytes:
        self.last = self._reader.readline(limit)
        return self.last


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110 §8.6: 1*DIGIT, ASCII only. str.isdigit() also takes "²" (0xB2 read as Latin-1), which
# int() refuses: the app then failed with a 500.
_DIGITS = re.compile(r"[0-9]+")
_OWN_DESCRIPTIONS = {
    "the method is not an HTTP token",
    "Content-Length must be given once, as a number of bytes",
}


def handler_with_timeout(seconds: float) -> type[QuietRequestHandler]:
    """The handler class with its socket timeout: a read waits at most this long for a byte."""
    return type("TimedRequestHandler", (QuietRequestHandler,), {"timeout": seconds})


def make_mock_server(
    host: str,
    port: int,
    app: Flask,
    *,
    read_timeout: float,
    tls: TlsFiles | None = None,
    fd: int | None = None,
) -> BaseWSGIServer:
    """werkzeug's threaded server with the mock's handler. Over TLS, accepting a connection does
    not wait for its handshake: werkzeug's own wrapping ran it in the accept loop with no timeout,
    so one silent TCP client stopped every other client, and `shutdown()`, for as long as it
    stayed; the handler runs it in the connection's thread instead."""
    server = make_server(
        host, port, app, threaded=True, request_handler=handler_with_timeout(read_timeout), fd=fd
    )
    if tls is not None:
        context = server_context(tls)
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        server.ssl_context = context  # werkzeug reads it for the environ's https scheme
    return server


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
        self._tls = tls_files(self._settings) if self._settings is not None else None
        self._server = make_mock_server(
            self._host, self._port, self.app, read_timeout=self._read_timeout(), tls=self._tls
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name=f"mockserver:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    @property
    def _settings(self) -> Settings | None:
        """The mock's settings; None for a Flask app that is not a mock (a fake platform)."""
        state = self.app.extensions.get(EXTENSION_KEY)
        return state.settings if state is not None else None

    def _read_timeout(self) -> float:
        settings = self._settings
        return settings.read_timeout if settings is not None else DEFAULT_READ_TIMEOUT

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
