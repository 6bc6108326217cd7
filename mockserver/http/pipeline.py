"""The request pipeline: every request is read once, passes the interceptors once, is decided once
and rendered once.

The data plane's routes (POST /authorization, GET /me, the declared routes) are endpoints, plain
functions of a request (`routes/`), found by one router (`router.py`); whatever they answer or
raise is rendered by the one renderer (`render.py`). Any other path goes to the Flask application
(the control API, the dashboard, /openapi.json, a 404) as one more endpoint. Around both run the
same interceptors, in Flask's former order: the body's size, the fault that fires, then the route;
after it, the fault's alteration, the journal entry, the worker's header and the log line.
Flask's request hooks and signals therefore see only what Flask serves (docs/mock.md).

A request that looks like one already decided (`alike.py`: same method, path, query, host and
headers, no body) gets that decision again while it holds: the same state (its generation), no
fault in force, the same rendering, and the clock before the time the authentication named
(`bearer.HOLDS_UNTIL`: a token's expiry). It is journaled and logged as any other.
"""

from __future__ import annotations

import io
import logging
import os
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Response as FlaskResponse
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response

from ..core.errors import OAuthError
from ..core.redaction import loggable
from ..core.state import MockState
from ..store import EntryContent
from . import worker
from .alike import Look, look
from .bearer import HOLDS_UNTIL
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
MAX_DECIDED = 256  # decisions remembered per worker; past them the memory starts afresh


@dataclass(slots=True)
class _Decided:
    """A decision that holds for requests that look alike, while `generation` and `rendering` hold
    and the clock is before `until`; with what the request's journal entry and log line need."""

    generation: int
    until: float
    rendering: tuple[Any, ...]
    status_line: str
    headers: list[tuple[str, str]]  # the answer's, X-Mock-Worker included
    body: bytes
    method: str
    path: str
    status: int
    content: EntryContent | None  # None with no journal


class RequestPipeline:
    """The WSGI application in front of Flask's: `create_app` sets it as `app.wsgi_app`."""

    def __init__(self, flask_wsgi: WSGIApplication, app: LeanFlask, mock: MockState, router: Router) -> None:
        self._flask = flask_wsgi
        self._app = app
        self._mock = mock
        self._router = router
        self._render = Renderer(app, mock.settings)
        self._generation = mock.shared.backend.generation
        self._decided: dict[tuple[Any, ...], _Decided] = {}
        _PIPELINES.add(self)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        mock = self._mock
        started = time.perf_counter() if mock.settings.log_requests else None
        seen = look(environ)
        generation = 0
        if seen is not None:  # only such a decision is remembered: a login or a body reads no generation
            decided = self._decided.get(seen[0])
            if decided is not None:
                now = mock.clock.now()
                if self._holds(decided, now):
                    return self._again(decided, environ, start_response, started, now)
            generation = self._generation()
        request = PlaneRequest(environ)
        reply = self._decide(request)
        try:
            reply = self._finish(request, reply, started, seen)
        except Exception as error:  # the journal's store failing, say: as Flask answered it
            self._unexpected(error, request.method, request.path)
            environ.pop(HOLDS_UNTIL, None)  # an accident, not a decision to remember
            reply = self._render.error(oauth_error_of(InternalServerError()))
        if DROP_KEY in environ:
            return drop_connection(environ, start_response)
        if isinstance(reply, Response):
            return reply(environ, start_response)
        if seen is not None and HOLDS_UNTIL in environ:
            self._remember(seen, generation, environ[HOLDS_UNTIL], request, reply)
        start_response(status_line(reply.status), reply.headers)
        return [reply.body] if request.method != "HEAD" else []

    def _holds(self, decided: _Decided, now: float) -> bool:
        return (
            now < decided.until
            and decided.generation == self._generation()
            and decided.rendering == self._render.rendering()
        )

    def _again(
        self,
        decided: _Decided,
        environ: WSGIEnvironment,
        start_response: StartResponse,
        started: float | None,
        now: float,
    ) -> Iterable[bytes]:
        """A remembered decision's answer, journaled and logged as this request's."""
        try:
            if decided.content is not None:
                self._mock.journal.record(now, decided.content)
        except Exception as error:  # the journal's store failing, say: as a decided request is answered
            self._unexpected(error, decided.method, decided.path)
            failed = self._render.error(oauth_error_of(InternalServerError()))
            start_response(status_line(failed.status), failed.headers)
            return [failed.body] if decided.method != "HEAD" else []
        if started is not None:
            log_request(self._app.extensions, environ, decided.method, decided.path, decided.status, started)
        start_response(decided.status_line, decided.headers.copy())
        return [decided.body] if decided.method != "HEAD" else []

    def _remember(
        self, seen: Look, generation: int, until: float, request: PlaneRequest, reply: Answer
    ) -> None:
        """Remember a data-plane decision made with no fault in force, for requests that look alike."""
        mock = self._mock
        if mock.faults.in_force() or request.path.startswith(CONTROL_PREFIX):
            return
        journal = mock.journal
        content = content_for(request, reply.status, reply.error, seen) if journal.keeps else None
        decided = _Decided(
            generation,
            until,
            self._render.rendering(),
            status_line(reply.status),
            list(reply.headers),
            reply.body,
            request.method,
            request.path,
            reply.status,
            content,
        )
        if len(self._decided) >= MAX_DECIDED:  # the client's: bounded
            self._decided.clear()
        self._decided[seen[0]] = decided

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
            self._unexpected(error, request.method, request.path)
            request.environ.pop(HOLDS_UNTIL, None)  # an accident, not a decision to remember
            return self._render.error(OAuthError("server_error", "the mock failed unexpectedly", 500))

    def _flask_answer(self, request: PlaneRequest) -> Response:
        """Flask's answer to a path of its own, read whole (its error bodies are the journal's)."""
        environ = request.environ
        if "HTTP_TRANSFER_ENCODING" in environ:  # read here already: handed on as it was read
            environ["wsgi.input"] = io.BytesIO(request.get_data(cache=True))
        return FlaskResponse.from_app(self._flask, environ, buffered=True)

    def _finish(self, request: PlaneRequest, reply: Reply, started: float | None, seen: Look | None) -> Reply:
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
            mock.journal.record(mock.clock.now(), content_for(request, status, error, seen))
        if isinstance(reply, Response):
            reply.headers["X-Mock-Worker"] = worker.pid_text()
        else:
            reply.headers.append(("X-Mock-Worker", worker.pid_text()))
        if started is not None:
            log_request(self._app.extensions, environ, request.method, path, status, started)
        return reply

    @staticmethod
    def _unexpected(error: Exception, method: str, path: str) -> None:
        log.error("unexpected %s on %s %s", type(error).__name__, method, loggable(path))


_PIPELINES: weakref.WeakSet[RequestPipeline] = weakref.WeakSet()  # every app's, while it lives


def _forget_decisions() -> None:
    """In a forked worker: a decision names the worker that made it (X-Mock-Worker, the journal's)."""
    for pipeline in list(_PIPELINES):
        pipeline._decided.clear()


os.register_at_fork(after_in_child=_forget_decisions)


def _as_response(reply: Reply) -> Response:
    if isinstance(reply, Response):
        return reply
    return FlaskResponse(reply.body, reply.status, reply.headers)
