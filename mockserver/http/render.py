"""The one renderer: a JSON answer and an error answer (RFC 6749 §5.2, RFC 6750 §3), written as
Flask's `jsonify` writes them, for the data plane and for Flask's error handlers alike."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from ..core.errors import OAuthError
from ..settings import Settings

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["Answer", "JsonReply", "Renderer", "oauth_error_of", "status_line"]

Headers = list[tuple[str, str]]


@dataclass(slots=True)
class JsonReply:
    """What an endpoint answers: a status, a JSON value and the headers it adds. Not changed once
    made; not frozen, as a frozen dataclass sets each field through object.__setattr__."""

    fields: Any
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    key: Hashable = None  # what `fields` is made of, when that is shorter: the renderer keeps the body by it


@dataclass(slots=True)
class Answer:
    """A rendered answer: status, headers in order (Content-Type and Content-Length first), body,
    and the refusal's `error` code for the journal (None for a success)."""

    status: int
    headers: Headers
    body: bytes
    error: str | None = None


_STATUS_LINES: dict[int, str] = {}
MAX_RENDERED = 256  # refusals kept rendered; past them the cache starts afresh (descriptions vary)


def status_line(status: int) -> str:
    """As werkzeug writes a status: `200 OK`, `418 I'M A TEAPOT`, `599 UNKNOWN`."""
    line = _STATUS_LINES.get(status)
    if line is None:
        line = _STATUS_LINES[status] = f"{status} {HTTP_STATUS_CODES.get(status, 'unknown').upper()}"
    return line


def oauth_error_of(error: HTTPException) -> OAuthError:
    """werkzeug's HTTP errors (404, 405, 413, a bad host...) in the one error type: its name as the
    code, its headers (Allow, ...) but its HTML Content-Type."""
    code = (error.name or "error").lower().replace(" ", "_")
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    return OAuthError(code, error.description or error.name, error.code or 500, headers=headers)


class Renderer:
    """Renders with the app's JSON provider and debug flag and the mock's settings, read at each
    answer: an embedding app may change them after start."""

    def __init__(self, app: Flask, settings: Settings) -> None:
        self._app = app
        self._settings = settings
        self._errors: dict[tuple[Any, ...], Answer] = {}
        self._bodies: dict[tuple[Any, ...], Answer] = {}

    def json(self, reply: JsonReply) -> Answer:
        """As `jsonify(fields)` with `reply.headers` added: compact unless debug (or `json.compact`).

        A reply with a `key` is rendered once per key and layout (`MAX_RENDERED`)."""
        if reply.key is None:
            return self._json(reply)
        key = (reply.key, reply.status, reply.headers, self.rendering())
        rendered = self._bodies.get(key)
        if rendered is None:
            rendered = self._json(reply)
            if len(self._bodies) >= MAX_RENDERED:
                self._bodies.clear()
            self._bodies[key] = rendered
        return Answer(rendered.status, rendered.headers.copy(), rendered.body)

    def _json(self, reply: JsonReply) -> Answer:
        provider = self._app.json
        compact = provider.compact  # type: ignore[attr-defined]
        if (compact is None and self._app.debug) or compact is False:
            text = provider.dumps(reply.fields, indent=2)
        else:
            text = provider.dumps(reply.fields, separators=(",", ":"))
        body = f"{text}\n".encode()
        headers = [("Content-Type", provider.mimetype), ("Content-Length", str(len(body)))]  # type: ignore[attr-defined]
        headers.extend(reply.headers)
        return Answer(reply.status, headers, body)

    def error(self, error: OAuthError) -> Answer:
        """The error's JSON body, status and headers (the challenge, no-store) per the settings.

        The same refusal (code, description, status, scope, headers) under the same settings is
        rendered once: a load test's refusals are a few kinds, again and again (`MAX_RENDERED`).
        """
        settings = self._settings
        key = (
            error.error,
            error.description,
            error.status,
            error.challenge,
            error.scope,
            tuple(error.headers.items()),
            settings.realm,
            settings.error_descriptions,
            settings.error_cache_headers,
            self.rendering(),
        )
        rendered = self._errors.get(key)
        if rendered is None:
            rendered = self._render_error(error)
            if len(self._errors) >= MAX_RENDERED:
                self._errors.clear()
            self._errors[key] = rendered
        return Answer(rendered.status, rendered.headers.copy(), rendered.body, rendered.error)

    def _render_error(self, error: OAuthError) -> Answer:
        settings = self._settings
        descriptions = settings.error_descriptions
        answer = self._json(JsonReply(error.body(descriptions=descriptions), error.status))
        extra = error.response_headers(
            settings.realm, descriptions=descriptions, cache_headers=settings.error_cache_headers
        )
        for name, value in extra.items():
            _set(answer.headers, name, value)
        answer.error = error.error or "unauthorized"
        return answer

    def rendering(self) -> tuple[Any, ...]:
        """What `json` reads of the app besides the value: a change to any renders afresh."""
        provider: Any = self._app.json
        return (
            provider,
            provider.compact,
            self._app.debug,
            provider.mimetype,
            provider.sort_keys,
            provider.ensure_ascii,
        )


def _set(headers: Headers, name: str, value: str) -> None:
    """As werkzeug's `Headers.set`: the first header of the name replaced, others dropped, else added."""
    lower = name.lower()
    found = [index for index, (key, _) in enumerate(headers) if key.lower() == lower]
    if not found:
        headers.append((name, value))
        return
    headers[found[0]] = (name, value)
    for index in reversed(found[1:]):
        del headers[index]
