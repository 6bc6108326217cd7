"""The yardstick: a Flask app with one JSON route and nothing else, served as the mock is.

Its requests/s on the same server, workers and machine are the ceiling of what any Flask app
can do there, so the mock's figures are read as a fraction of it rather than as absolutes.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify

__all__ = ["PATH", "create_app"]

PATH = "/hello"


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get(PATH)
    def hello() -> Response:
        return jsonify(message="hello", ok=True)

    return app
