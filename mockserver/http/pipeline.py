"""The request pipeline: every request is read once, passes the interceptors once, is decided once
and rendered once.

The data plane's routes (POST /authorization, GET /me, the declared routes) are endpoints, plain
functions of a request (`routes/`), found by one router (`router.py`); whatever they answer or
raise is rendered by the one renderer (`render.py`). Any other path goes to the Flask application
(the control API, the dashboard, /openapi.json, a 404) as one more endpoint. Around both run the
same interceptors, in Flask's former order: the body's size, the fault that fires, then the route;
after it, the fault's alteration, the journal entry, the worker's header and the log line.
Flask's request hooks and signals therefore see only what Flask serves (docs/mock.md).
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Response as FlaskResponse
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response

from ..core.errors import OAuthError
from ..core.redaction import loggable
from ..core.state import MockState
from . import worker
from .body import refuse_oversized_body
from .fault_hooks import CONTROL_PREFIX, DROP_KEY, FIRED_KEY, alter_response, drop_connection, inject_fault
from .journal_entry import content_for, error_code
from .lean_flask import LeanFlask
from .lean_request import PlaneRequest
from .render import Answer, JsonReply, Renderer, oauth_error_of, status_line
from .request_line import log_request
from .router import Router

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["RequestPipeline"]

log = logging.getLogger("mockserver")
Reply = Answer | Response


class RequestPipeline:
    """The WSGI application in front of Flask's: `create_app` sets it as `app.wsgi_app`."""

    def __init__(self, flask_wsgi: WSGIApplication, app: LeanFlask, mock: MockState, router: Router) -> None:
        self._flask = flask_wsgi
        self._app = app
        self._mock = mock
        self._router = router
        self._render = Renderer(app, mock.settings)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        mock = self._mock
        started = time.perf_counter() if mock.settings.log_requests else None
        request = PlaneRequest(environ)
        reply = self._decide(request)
        try:
            reply = self._finish(request, reply, started)
        except Exception as error:  # the journal's store failing, say: as Flask answered it
            self._unexpected(error, request)
            reply = self._render.error(oauth_error_of(InternalServerError()))
        if DROP_KEY in environ:
            return drop_connection(environ, start_response)
        if isinstance(reply, Response):
            return reply(environ, start_response)
        start_response(status_line(reply.status), reply.headers)
        return [reply.body] if request.method != "HEAD" else []

    def _decide(self, request: PlaneRequest) -> Reply:
        """The answer: a fault's, the endpoint's, Flask's, or the error that refused the request."""
        try:
            refuse_oversized_body(request)
            replaced = inject_fault(self._mock.faults, request)
            if replaced is not None:
                return replaced
            match = self._router.match(request)
            if match is None:
                return self._flask_answer(request)
            endpoint, values = match
            reply = endpoint(request, self._mock, **values)
            return self._render.json(reply) if isinstance(reply, JsonReply) else reply
        except OAuthError as error:
            return self._render.error(error)
        except RequestRedirect as redirect:  # Flask returns routing redirects as they are
            return redirect.get_response()
        except HTTPException as error:
            return self._render.error(oauth_error_of(error))
        except Exception as error:
            self._unexpected(error, request)
            return self._render.error(OAuthError("server_error", "the mock failed unexpectedly", 500))

    def _flask_answer(self, request: PlaneRequest) -> Response:
        """Flask's answer to a path of its own, read whole (its error bodies are the journal's)."""
        environ = request.environ
        if "HTTP_TRANSFER_ENCODING" in environ:  # read here already: handed on as it was read
            environ["wsgi.input"] = io.BytesIO(request.get_data(cache=True))
        return FlaskResponse.from_app(self._flask, environ, buffered=True)

    def _finish(self, request: PlaneRequest, reply: Reply, started: float | None) -> Reply:
        """After the answer: the fault's alteration, the journal entry, the worker, the log line."""
        environ, mock = request.environ, self._mock
        if FIRED_KEY in environ:
            reply = alter_response(request, _as_response(reply))
        path = request.path
        if isinstance(reply, Response):
            status = reply.status_code
            error = error_code(reply) if status >= 400 else None
        else:
            status, error = reply.status, reply.error
        if mock.journal.keeps and not path.startswith(CONTROL_PREFIX):
            mock.journal.record(mock.clock.now(), content_for(request, status, error))
        if isinstance(reply, Response):
            reply.headers["X-Mock-Worker"] = worker.pid_text()
        else:
            reply.headers.append(("X-Mock-Worker", worker.pid_text()))
        if started is not None:
            log_request(self._app.extensions, environ, request.method, path, status, started)
        return reply

    @staticmethod
    def _unexpected(error: Exception, request: PlaneRequest) -> None:
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, loggable(request.path))


def _as_response(reply: Reply) -> Response:
    if isinstance(reply, Response):
        return reply
    return FlaskResponse(reply.body, reply.status, reply.headers)
