"""A received request as a journal entry: the edge reads headers, query and body; core bounds and redacts.

Requests that look alike (the same method, path, query, headers and answer, and no body: what a
load test sends) share one entry's content, built and encoded once (`content_for`)."""

from __future__ import annotations

import itertools
import os
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from ..core.errors import OAuthError
from ..core.journal import EntryContent, bounded_content
from ..core.tokens import IssuedToken, issued_record
from . import worker
from .body import has_body, is_json
from .json_input import parse_json_object

__all__ = ["ISSUED_KEY", "content_for", "error_code", "remember_issued"]

ISSUED_KEY = "mockserver.issued"  # the environ key under which a login leaves its token for the journal

_CACHED_KEY = 128  # longer environ keys are translated uncached, so the cache stays small
_NAMES_KEPT = 1024  # environ keys remembered; past them, keys are translated every time
_ALIKE_KEPT = 256  # contents remembered for requests that look alike; past them, the memory starts afresh
_ALIKE_CHARS = 8192  # a request whose path, query and header values are longer is built every time
Layout = tuple[tuple[str, str, bool], ...]  # (environ key, header name, kept even when empty)


def remember_issued(environ: dict[str, Any], issued: IssuedToken) -> None:
    """A login's token, for its journal entry to keep as `issued` (its hash and prefix, never itself)."""
    environ[ISSUED_KEY] = issued


def content_for(request: Request, status: int, error: str | None) -> EntryContent:
    """The entry of a request answered with `status` and, for a refusal, its `error` code: the headers
    and query read from the environ, a login's token from `remember_issued`. A request with no body
    and no login gets the content of the last one that looked alike, if any: same parts, same entry."""
    environ = request.environ
    if ISSUED_KEY in environ or has_body(request):
        return _content(request, _headers(environ), status, error)
    number, layout = _layout_of(environ)
    values = tuple([environ[key] for key, _, _ in layout])
    query = environ.get("QUERY_STRING", "")
    key = (number, request.method, request.path, query, status, error, values)
    found = _ALIKE.get(key)
    if found is None:
        found = _content(request, _present(layout, values), status, error)
        if len(_ALIKE) >= _ALIKE_KEPT:  # the client's: bounded
            _ALIKE.clear()
        if len(request.path) + len(query) + sum(map(len, values)) <= _ALIKE_CHARS:
            _ALIKE[key] = found
    return found


def _content(
    request: Request, headers: list[tuple[str, str]], status: int, error: str | None
) -> EntryContent:
    environ = request.environ
    issued = environ.get(ISSUED_KEY)
    return bounded_content(
        method=request.method,
        path=request.path,
        query=environ.get("QUERY_STRING", ""),
        headers=headers,
        form=_body_fields(request),
        status=status,
        worker=worker.pid(),
        error=error,
        issued=issued_record(issued) if issued is not None else None,
    )


def error_code(response: Response) -> str | None:
    """The `error` of a JSON error body, as the client reads it; None for any other answer."""
    if not response.is_json or response.is_streamed:
        return None
    body = response.get_json(silent=True)
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, str) else None


def _headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The request's headers as werkzeug's `request.headers` lists them, read from the environ."""
    _, layout = _layout_of(environ)
    return _present(layout, [environ[key] for key, _, _ in layout])


def _present(layout: Layout, values: Any) -> list[tuple[str, str]]:
    return [(name, value) for (_, name, always), value in zip(layout, values, strict=True) if value or always]


def _layout_of(environ: dict[str, Any]) -> tuple[int, Layout]:
    """Which of the environ's keys are headers, and their names, with the number that names this
    layout for as long as it is remembered. A served environ holds the worker's whole process
    environment too (granian copies it in), so this is worked out once per layout of keys (the same
    on every request of a kind) rather than key by key on every request."""
    keys = tuple(environ)
    found = _LAYOUTS.get(keys)
    if found is None:
        found = (next(_layout_numbers), _layout(keys))
        if len(_LAYOUTS) >= _LAYOUTS_KEPT or len(keys) > _LAYOUT_KEYS:  # the client's: bounded
            _LAYOUTS.clear()
        if len(keys) <= _LAYOUT_KEYS:
            _LAYOUTS[keys] = found
    return found


def _layout(keys: tuple[str, ...]) -> Layout:
    """(environ key, header name, kept even when empty) for the keys that are headers, in order:
    an empty CONTENT_TYPE or CONTENT_LENGTH is no header, an empty HTTP_* one is."""
    names = _HEADER_NAMES
    found = []
    for key in keys:
        name = names.get(key, _UNSEEN)
        if name is _UNSEEN:
            name = _header_name(key)
            if len(names) < _NAMES_KEPT and len(key) <= _CACHED_KEY:  # the client's: bounded
                names[key] = name
        if isinstance(name, str):  # None: not a header; the sentinel was replaced above
            found.append((key, name, key[:5] == "HTTP_"))
    return tuple(found)


def _header_name(key: str) -> str | None:
    """As werkzeug's EnvironHeaders: HTTP_X_API_KEY is X-Api-Key; CONTENT_TYPE and CONTENT_LENGTH
    are headers when set; HTTP_CONTENT_TYPE and HTTP_CONTENT_LENGTH are not (WSGI moves them)."""
    if key.startswith("HTTP_"):
        if key in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            return None
        return key[5:].replace("_", "-").title()
    if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        return key.replace("_", "-").title()
    return None


_HEADER_NAMES: dict[str, str | None] = {}  # a plain dict: an lru_cache call costs twice its lookup
_UNSEEN = object()
_LAYOUTS: dict[tuple[str, ...], tuple[int, Layout]] = {}
_layout_numbers = itertools.count()  # never reused, so a remembered content never meets another layout
_ALIKE: dict[tuple[Any, ...], EntryContent] = {}
_LAYOUTS_KEPT = 64  # layouts remembered; past them the cache starts afresh
_LAYOUT_KEYS = 512  # an environ of more keys than this is read without being remembered


def _body_fields(request: Request) -> Any:
    """The body's fields; empty when the body is not a form or JSON object, or unreadable."""
    if not has_body(request):
        return {}
    try:
        if is_json(request.mimetype):
            return parse_json_object(request.get_data())
        return list(request.form.items(multi=True))
    except (HTTPException, OAuthError, ValueError):
        return {}


os.register_at_fork(after_in_child=_ALIKE.clear)  # a content names the worker that built it
