"""Serve a mock in the foreground until interrupted."""

from __future__ import annotations

import logging

from werkzeug.serving import make_server

from .app import create_app
from .server import QuietRequestHandler
from .settings import Settings

__all__ = ["serve"]

log = logging.getLogger("mockserver")


def serve(settings: Settings) -> None:
    app = create_app(settings)
    server = make_server(
        settings.host, settings.port, app, threaded=True, request_handler=QuietRequestHandler
    )
    log.info("serving the mock on http://%s:%d", settings.host, server.server_port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
