"""create_app: wiring only. Services, blueprints, error handlers, the journal and the log line."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from .clock import Clock, ShiftedClock
from .data import fixture_path, load_yaml
from .errors import OAuthError
from .journal import Journal, entry_from
from .redaction import redact_query
from .routes import api, authorization, control
from .routes_file import load_routes
from .settings import Settings
from .state import EXTENSION_KEY, MockState
from .tokens import TokenStore
from .users import UserDirectory, fake_users, load_users

__all__ = ["MAX_BODY_BYTES", "create_app"]

MAX_BODY_BYTES = 16 * 1024
CONTROL_PREFIX = "/_mock/"
log = logging.getLogger("mockserver")


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Flask:
    settings = settings or Settings()
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, MAX_FORM_MEMORY_SIZE=MAX_BODY_BYTES)
    app.json.sort_keys = False
    mock = _build_state(settings, clock or ShiftedClock())
    app.extensions[EXTENSION_KEY] = mock

    app.register_blueprint(authorization.blueprint)
    app.register_blueprint(api.make_blueprint(load_routes(settings.routes, settings.seed)))
    if settings.control:
        app.register_blueprint(control.blueprint)
    _register_openapi(app)
    _register_error_handlers(app, settings.realm)
    _register_request_hooks(app, mock)
    return app


def _build_state(settings: Settings, clock: Clock) -> MockState:
    users = load_users(settings.users)
    if settings.fake_users:
        permissions = {permission for user in users for permission in user.permissions}
        users += fake_users(settings.fake_users, settings.seed, permissions)
    return MockState(
        settings=settings,
        clock=clock,
        tokens=TokenStore(clock, settings.token_ttl),
        users=UserDirectory(users),
        journal=Journal(settings.journal_size),
    )


def _register_openapi(app: Flask) -> None:
    document = load_yaml(fixture_path("openapi.yaml"))

    @app.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(document)


def _register_error_handlers(app: Flask, realm: str) -> None:
    def render(error: OAuthError) -> Response:
        response = jsonify(error.body())
        response.status_code = error.status
        response.headers.update(error.response_headers(realm))
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
        log.exception("unexpected error on %s %s", request.method, request.path)
        return render(OAuthError("server_error", "the mock failed unexpectedly", 500))


def _register_request_hooks(app: Flask, mock: MockState) -> None:
    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def journal_and_log(response: Response) -> Response:
        if not request.path.startswith(CONTROL_PREFIX):
            mock.journal.record(entry_from(request, response, mock.clock.now()))
        if mock.settings.log_requests:
            elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
            query = redact_query(request.query_string.decode("latin-1"))
            path = f"{request.path}?{query}" if query else request.path
            log.info("%s %s %s %.1fms", request.method, path, response.status_code, elapsed_ms)
        return response
