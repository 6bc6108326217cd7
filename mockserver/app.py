"""create_app: wiring only. Services, blueprints, error handlers, faults, the journal and the log line."""

from __future__ import annotations

import logging
import time

from flask import Flask, Request, Response, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from .core.clock import Clock
from .core.errors import OAuthError
from .core.redaction import loggable
from .core.routes_file import load_routes
from .core.services import build_state
from .core.state import EXTENSION_KEY, MockState
from .data import fixture_path, load_yaml
from .http import worker
from .http.access import check_control_token
from .http.direct import DirectLane, hot_routes
from .http.fault_hooks import CONTROL_PREFIX, ConnectionDropper, alter_response, inject_fault
from .http.journal_entry import entry_from
from .http.lean_flask import LeanFlask
from .http.request_line import REQUEST_LINE, REQUEST_LOG_KEY, RequestLogWriter, log_request
from .http.routes import api, authorization, control, dashboard
from .settings import Settings

__all__ = ["MAX_BODY_BYTES", "REQUEST_LINE", "REQUEST_LOG_KEY", "RequestLogWriter", "create_app"]

MAX_BODY_BYTES = 16 * 1024
log = logging.getLogger("mockserver")
STARTED_KEY = "mockserver.started"  # when the request's first hook ran, for the log line


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Flask:
    settings = settings or Settings()
    app = LeanFlask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, MAX_FORM_MEMORY_SIZE=MAX_BODY_BYTES)
    app.json.sort_keys = False
    mock = build_state(settings, clock)
    app.extensions[EXTENSION_KEY] = mock

    _register_request_hooks(app, mock)
    app.register_blueprint(authorization.blueprint)
    app.register_blueprint(api.make_blueprint(load_routes(settings.routes, settings.seed)))
    if settings.control:
        check_control_token(settings)
        app.register_blueprint(control.blueprint)
        app.register_blueprint(dashboard.blueprint)  # a page over the control API: gone with it
    _register_openapi(app)
    _register_error_handlers(app, settings)
    app.wsgi_app = ConnectionDropper(app.wsgi_app, mock.faults)  # type: ignore[method-assign]
    app.wsgi_app = DirectLane(app.wsgi_app, app, mock, hot_routes())  # type: ignore[method-assign]
    return app


def _register_openapi(app: Flask) -> None:
    document = load_yaml(fixture_path("openapi.yaml"))

    @app.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(document)


def _register_error_handlers(app: Flask, settings: Settings) -> None:
    realm, descriptions = settings.realm, settings.error_descriptions
    cache_headers = settings.error_cache_headers

    def render(error: OAuthError) -> Response:
        response = jsonify(error.body(descriptions=descriptions))
        response.status_code = error.status
        response.headers.update(
            error.response_headers(realm, descriptions=descriptions, cache_headers=cache_headers)
        )
        return response

    @app.errorhandler(OAuthError)
    def oauth_error(error: OAuthError) -> Response:
        return render(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        code = (error.name or "error").lower().replace(" ", "_")
        status = error.code or 500
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        return render(OAuthError(code, error.description or error.name, status, headers=headers))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response:
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, loggable(request.path))
        return render(OAuthError("server_error", "the mock failed unexpectedly", 500))


def _register_request_hooks(app: Flask, mock: MockState) -> None:
    """One hook before and one after every request: each registered hook costs every request."""
    faults, journal, clock = mock.faults, mock.journal, mock.clock
    log_requests = mock.settings.log_requests

    @app.before_request
    def before() -> Response | None:
        current = request._get_current_object()  # type: ignore[attr-defined] - once, not per attribute
        if log_requests:
            current.environ[STARTED_KEY] = time.perf_counter()  # first: a refused request is timed too
        _refuse_oversized_body(current)
        return inject_fault(faults, current)

    @app.after_request
    def after(response: Response) -> Response:
        current = request._get_current_object()  # type: ignore[attr-defined]
        response = alter_response(current, response)
        if not current.path.startswith(CONTROL_PREFIX):
            journal.record(entry_from(current, response, clock.now()))
        response.headers["X-Mock-Worker"] = worker.pid_text()  # which worker answered
        if log_requests:
            started = current.environ.get(STARTED_KEY)
            status = response.status_code
            log_request(app.extensions, current.environ, current.method, current.path, status, started)
        return response


def _refuse_oversized_body(current: Request) -> None:
    """413 on every route and method, not only where a view reads the body.

    A declared length is checked as it stands. werkzeug stops reading a chunked body at the
    size limit without a word: it is read here (the routes' parsers reuse it) to say 413 instead.
    """
    environ = current.environ  # read raw: this runs on every request
    declared = environ.get("CONTENT_LENGTH")
    if declared:
        if not (declared.isascii() and declared.isdigit()):  # "²".isdigit(), yet int() refuses it
            raise BadRequest("Content-Length must be a number of bytes")
        if int(declared) > MAX_BODY_BYTES:
            raise RequestEntityTooLarge()
        return
    if "HTTP_TRANSFER_ENCODING" not in environ:
        return
    data = current.get_data(cache=True)  # cached: the route's parsers read it from here
    if len(data) >= MAX_BODY_BYTES and environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
