"""A received request as a journal entry: the edge reads headers, query and body; core bounds and redacts."""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from ..core.errors import OAuthError
from ..core.journal import JournalEntry, bounded_entry
from ..core.tokens import IssuedToken, issued_record
from . import worker
from .body import has_body, is_json
from .json_input import parse_json_object

__all__ = ["ISSUED_KEY", "entry_for", "entry_from", "entry_of", "error_code", "remember_issued"]

ISSUED_KEY = "mockserver.issued"  # the environ key under which a login leaves its token for the journal

_CACHED_KEY = 128  # longer environ keys are translated uncached, so the cache stays small
_NAMES_KEPT = 1024  # environ keys remembered; past them, keys are translated every time


def remember_issued(environ: dict[str, Any], issued: IssuedToken) -> None:
    """A login's token, for its journal entry to keep as `issued` (its hash and prefix, never itself)."""
    environ[ISSUED_KEY] = issued


def entry_from(request: Request, response: Response, now: float) -> JournalEntry:
    """The entry of a request and the answer it got; the `error` code read from a JSON error body."""
    status = response.status_code
    return entry_for(request, status, error_code(response) if status >= 400 else None, now)


def entry_for(request: Request, status: int, error: str | None, now: float) -> JournalEntry:
    """The entry of a request answered with `status` and, for a refusal, its `error` code."""
    return entry_of(request.environ, request.method, request.path, _body_fields(request), status, now, error)


def entry_of(
    environ: dict[str, Any],
    method: str,
    path: str,
    form: Any,
    status: int,
    now: float,
    error: str | None = None,
) -> JournalEntry:
    """The entry of a request answered with `status`, as werkzeug reads it (`request.method` and
    `request.path`); the headers and query are read from the environ, a login's token from
    `remember_issued`."""
    issued = environ.get(ISSUED_KEY)
    return bounded_entry(
        time=now,
        method=method,
        path=path,
        query=environ.get("QUERY_STRING", ""),
        headers=_headers(environ),
        form=form,
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
    """The request's headers as werkzeug's `request.headers` lists them, read from the environ
    directly. A served environ holds the worker's whole process environment too (granian copies
    it in), so which of its keys are headers, and their names, are worked out once per layout of
    keys (the same on every request of a kind) rather than key by key on every request."""
    keys = tuple(environ)
    layout = _LAYOUTS.get(keys)
    if layout is None:
        layout = _layout(keys)
        if len(_LAYOUTS) >= _LAYOUTS_KEPT or len(keys) > _LAYOUT_KEYS:  # the client's: bounded
            _LAYOUTS.clear()
        if len(keys) <= _LAYOUT_KEYS:
            _LAYOUTS[keys] = layout
    return [(name, value) for key, name, always in layout if (value := environ[key]) or always]


def _layout(keys: tuple[str, ...]) -> tuple[tuple[str, str, bool], ...]:
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
_LAYOUTS: dict[tuple[str, ...], tuple[tuple[str, str, bool], ...]] = {}
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
