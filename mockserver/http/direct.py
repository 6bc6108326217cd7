"""The direct lane: the plainest requests of the hot routes answered without Flask's request cycle.

Flask's request context, routing, hooks and response object cost a served `GET /me` more CPU
than deciding its answer. A request takes this lane only when Flask would do nothing for it but
call the route's answer: the route's method and exact path, no fault in force, a host Flask has
bound before, no body (GET) or a urlencoded one within the size limit and no query (POST), and a
success. Anything else, a refusal or an unexpected failure included, goes to Flask, which decides
it again and renders it; so a route whose refusal changes state (a login counted by the lockout)
takes the lane only while deciding it twice changes nothing. The answers come from the functions
the Flask views call (`routes/`), the journal entry and the log line from the helpers the Flask
hooks use; `test_direct_lane.py` holds both ways to the same bytes.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import signals

from ..core.state import MockState
from . import worker
from .journal_entry import entry_of
from .lean_flask import LeanFlask
from .lean_request import URLENCODED, parse_urlencoded
from .request_line import log_request
from .routes.api import me_fields
from .routes.authorization import NO_STORE, form_token_fields

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["DirectLane", "DirectRoute", "hot_routes"]

# environ, state, body, the body's form fields -> the JSON answer
Answer = Callable[[dict[str, Any], MockState, bytes, list[tuple[str, str]]], dict[str, Any]]
_COMPACT = (",", ":")  # the layout Flask's jsonify writes outside debug mode


def _always(mock: MockState) -> bool:
    return True


# An application that embeds the mock may hook its requests: then every request goes through Flask.
_REQUEST_SIGNALS = (
    signals.request_started,
    signals.request_finished,
    signals.request_tearing_down,
    signals.appcontext_pushed,
    signals.appcontext_popped,
    signals.appcontext_tearing_down,
)


def _hooks_of(app: LeanFlask) -> tuple[Any, ...]:
    """The functions Flask runs around a request's view: four registries by blueprint, then a list."""
    return (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
        app.url_value_preprocessors,
        app.teardown_appcontext_funcs,
    )


def _copy(hooks: tuple[Any, ...]) -> tuple[Any, ...]:
    *by_blueprint, teardown_appcontext = hooks
    return (
        *({key: list(funcs) for key, funcs in registry.items()} for registry in by_blueprint),
        list(teardown_appcontext),
    )


@dataclass(frozen=True)
class DirectRoute:
    method: str  # GET: no body; POST: a urlencoded body
    answer: Answer  # raises for anything but a success
    headers: tuple[tuple[str, str], ...] = ()  # what the view adds to its answer
    repeatable: Callable[[MockState], bool] = _always  # whether deciding it twice changes nothing


def hot_routes() -> dict[str, DirectRoute]:
    return {
        "/me": DirectRoute("GET", lambda environ, mock, body, form: me_fields(environ, mock)),
        "/authorization": DirectRoute(
            "POST", form_token_fields, NO_STORE, repeatable=lambda mock: not mock.lockout.enabled
        ),
    }


class DirectLane:
    """WSGI middleware in front of the Flask app: the plain requests of `routes` answered here."""

    def __init__(
        self, wsgi_app: WSGIApplication, app: LeanFlask, mock: MockState, routes: dict[str, DirectRoute]
    ) -> None:
        self.wsgi_app = wsgi_app
        self._app = app
        self._mock = mock
        self._routes = routes
        self._hooks = _copy(_hooks_of(app))  # the mock's own: create_app wires the lane last
        self.served: Counter[str] = Counter()  # answered here, per path: for the tests that prove it

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        route = self._routes.get(environ.get("PATH_INFO", ""))
        if route is None or not self._plain(environ, route):
            return self.wsgi_app(environ, start_response)
        mock, path = self._mock, environ["PATH_INFO"]
        body = self._body(environ) if route.method == "POST" else b""
        if len(body) != int(environ.get("CONTENT_LENGTH") or 0):  # cut short: Flask's 400, from what came
            environ["wsgi.input"] = io.BytesIO(body)
            return self.wsgi_app(environ, start_response)
        try:
            form = parse_urlencoded(body) if body else []  # parsed once: for the answer and the journal
            fields = route.answer(environ, mock, body, form)  # type: ignore[arg-type]
            mock.journal.record(entry_of(environ, route.method, path, form, 200, mock.clock.now()))  # type: ignore[arg-type]
        except Exception:  # a refusal (OAuthError) or a failure: Flask decides again and renders it
            environ["wsgi.input"] = io.BytesIO(body)
            return self.wsgi_app(environ, start_response)
        text = self._json(fields)
        headers = [
            ("Content-Type", self._app.json.mimetype),  # type: ignore[attr-defined]
            ("Content-Length", str(len(text))),
            *route.headers,
            ("X-Mock-Worker", worker.pid_text()),
        ]
        if mock.settings.log_requests:
            log_request(self._app.extensions, environ, route.method, path, 200, started)
        self.served[path] += 1
        start_response("200 OK", headers)
        return [text]

    def _plain(self, environ: WSGIEnvironment, route: DirectRoute) -> bool:
        """Whether Flask would only call the route's answer, the request read as the lane reads it."""
        app = self._app
        return (
            environ["REQUEST_METHOD"] == route.method
            and "HTTP_TRANSFER_ENCODING" not in environ
            and (self._plain_form(environ) if route.method == "POST" else not environ.get("CONTENT_LENGTH"))
            and not self._mock.faults.in_force()
            and route.repeatable(self._mock)
            and not app.debug
            and app.json.compact is not False  # type: ignore[attr-defined]
            and app.has_bound(environ)  # type: ignore[arg-type]
            and _hooks_of(app) == self._hooks
            and not any(signal.receivers for signal in _REQUEST_SIGNALS)
        )

    def _plain_form(self, environ: WSGIEnvironment) -> bool:
        """A urlencoded body of a declared length within the limit, and no query string."""
        declared = environ.get("CONTENT_LENGTH") or ""
        return (
            environ.get("CONTENT_TYPE") == URLENCODED
            and not environ.get("QUERY_STRING")
            and declared.isascii()  # "²".isdigit(), yet int() refuses it
            and declared.isdigit()
            and int(declared) <= self._app.config["MAX_CONTENT_LENGTH"]
        )

    @staticmethod
    def _body(environ: WSGIEnvironment) -> bytes:
        """The declared length read, at most: what werkzeug's `get_data` reads of it. A client that
        leaves or stalls past the read timeout gives a shorter body, which Flask refuses (400) as
        werkzeug's LimitedStream does on the same socket: the end of the stream or an error alike."""
        stream, wanted = environ["wsgi.input"], int(environ["CONTENT_LENGTH"])
        chunks: list[bytes] = []
        try:
            while wanted > 0 and (chunk := stream.read(wanted)):
                chunks.append(chunk)
                wanted -= len(chunk)
        except OSError:  # TimeoutError included
            pass
        return b"".join(chunks)

    def _json(self, fields: dict[str, Any]) -> bytes:
        """As Flask's `jsonify` writes it outside debug mode: compact, then a newline."""
        return f"{self._app.json.dumps(fields, separators=_COMPACT)}\n".encode()
