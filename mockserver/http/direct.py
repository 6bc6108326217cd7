"""The direct lane: the plainest requests of a hot route answered without Flask's request cycle.

Flask's request context, routing, hooks and response object cost a served `GET /me` more CPU
than deciding its answer. A request takes this lane only when Flask would do nothing for it but
call the route's answer: the route's method and exact path, no body, no fault in force, a host
Flask has bound before, the answer a success. Anything else, an error answer or an unexpected
failure included, goes to Flask, which decides it again and renders it. The answer comes from the
same function as the Flask view's (`routes/api.py`), the journal entry and the log line from the
same helpers as the Flask hooks'; `test_direct_lane.py` holds both ways to the same bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..core.state import MockState
from . import worker
from .journal_entry import entry_of
from .lean_flask import LeanFlask
from .request_line import log_request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["Answer", "DirectLane"]

Answer = Callable[[dict[str, Any], MockState], dict[str, Any]]  # environ, state -> a JSON object
_COMPACT = (",", ":")  # the layout Flask's jsonify writes outside debug mode


class DirectLane:
    """WSGI middleware in front of the Flask app: `GET <path>` of `answers` answered directly."""

    def __init__(
        self, wsgi_app: WSGIApplication, app: LeanFlask, mock: MockState, answers: dict[str, Answer]
    ) -> None:
        self.wsgi_app = wsgi_app
        self._app = app
        self._mock = mock
        self._answers = answers
        self.served = 0  # requests this lane answered, for the tests that prove it is taken

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        answer = self._answers.get(environ.get("PATH_INFO", ""))
        if answer is None or not self._plain(environ):
            return self.wsgi_app(environ, start_response)
        mock, path = self._mock, environ["PATH_INFO"]
        try:
            body = self._body(answer(environ, mock))  # type: ignore[arg-type]
            mock.journal.record(entry_of(environ, "GET", path, {}, 200, mock.clock.now()))  # type: ignore[arg-type]
        except Exception:  # a refusal (OAuthError) or a failure: Flask decides again and renders it
            return self.wsgi_app(environ, start_response)
        headers = [
            ("Content-Type", self._app.json.mimetype),  # type: ignore[attr-defined]
            ("Content-Length", str(len(body))),
            ("X-Mock-Worker", worker.pid_text()),
        ]
        if mock.settings.log_requests:
            log_request(self._app.extensions, environ, "GET", path, 200, started)
        self.served += 1
        start_response("200 OK", headers)
        return [body]

    def _plain(self, environ: WSGIEnvironment) -> bool:
        """Whether Flask would only call the answer: GET without a body, no fault, a known host."""
        app = self._app
        return (
            environ["REQUEST_METHOD"] == "GET"
            and not environ.get("CONTENT_LENGTH")
            and "HTTP_TRANSFER_ENCODING" not in environ
            and not self._mock.faults.in_force()
            and not app.debug
            and app.json.compact is not False  # type: ignore[attr-defined]
            and app.has_bound(environ)  # type: ignore[arg-type]
        )

    def _body(self, fields: dict[str, Any]) -> bytes:
        """As Flask's `jsonify` writes it outside debug mode: compact, then a newline."""
        return f"{self._app.json.dumps(fields, separators=_COMPACT)}\n".encode()
