"""create_app: wiring only. Services, the request pipeline and its routes, Flask's blueprints, errors."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from .core.clock import Clock
from .core.errors import OAuthError
from .core.redaction import loggable
from .core.routes_file import load_routes
from .core.services import build_state
from .core.state import EXTENSION_KEY
from .data import fixture_path, load_yaml
from .http.access import check_control_token
from .http.body import MAX_BODY_BYTES
from .http.lean_flask import LeanFlask
from .http.pipeline import RequestPipeline
from .http.render import Renderer, oauth_error_of
from .http.request_line import REQUEST_LINE, REQUEST_LOG_KEY, RequestLogWriter
from .http.router import Router
from .http.routes import api, authorization, control, dashboard
from .settings import Settings

__all__ = ["MAX_BODY_BYTES", "REQUEST_LINE", "REQUEST_LOG_KEY", "RequestLogWriter", "create_app"]

log = logging.getLogger("mockserver")


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Flask:
    """A Flask application whose `wsgi_app` is the request pipeline: the data plane's routes are
    decided there; the control API, the dashboard and /openapi.json are Flask's."""
    settings = settings or Settings()
    app = LeanFlask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, MAX_FORM_MEMORY_SIZE=MAX_BODY_BYTES)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    mock = build_state(settings, clock)
    app.extensions[EXTENSION_KEY] = mock

    if settings.control:
        check_control_token(settings)
        app.register_blueprint(control.blueprint)
        app.register_blueprint(dashboard.blueprint)  # a page over the control API: gone with it
    _register_openapi(app)
    renderer = Renderer(app, settings)
    _register_error_handlers(app, renderer)
    rules = authorization.rules() + api.rules(load_routes(settings.routes, settings.seed))
    app.wsgi_app = RequestPipeline(app.wsgi_app, app, mock, Router(app, rules))  # type: ignore[method-assign]
    return app


def _register_openapi(app: Flask) -> None:
    document = load_yaml(fixture_path("openapi.yaml"))

    @app.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(document)


def _register_error_handlers(app: Flask, renderer: Renderer) -> None:
    """What Flask serves is rendered by the data plane's renderer too."""

    def render(error: OAuthError) -> Response:
        answer = renderer.error(error)
        return app.response_class(answer.body, answer.status, answer.headers)

    @app.errorhandler(OAuthError)
    def oauth_error(error: OAuthError) -> Response:
        return render(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return render(oauth_error_of(error))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response:
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, loggable(request.path))
        return render(OAuthError("server_error", "the mock failed unexpectedly", 500))
