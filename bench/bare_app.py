"""The yardsticks: a Flask app with one JSON route and nothing else, and the ceiling, a WSGI app
that only returns a small JSON body; both served as the mock is.

Their requests/s on the same server, workers and machine are what any Flask app (the first) and
any WSGI app at all (the second) can do there, so the mock's figures are read as a fraction of them
rather than as absolutes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, jsonify

__all__ = ["PATH", "create_app", "create_wsgi_app"]

PATH = "/hello"
_BODY = b'{"message":"hello","ok":true}\n'
_HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(_BODY)))]


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get(PATH)
    def hello() -> Response:
        return jsonify(message="hello", ok=True)

    return app


def create_wsgi_app() -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """The ceiling: the same answer as `create_app`'s, with no framework, whatever the path."""

    def hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", _HEADERS)
        return [_BODY]

    return hello
