"""A received request as a journal entry: the edge reads headers, query and body; core bounds and redacts.

Requests that look alike (`alike.py`) and got the same answer share one entry's content, built and
encoded once (`content_for`)."""

from __future__ import annotations

import os
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from ..core.errors import OAuthError
from ..core.journal import EntryContent, bounded_content
from ..core.tokens import IssuedToken, issued_record
from . import worker
from .alike import Look, headers_of, present
from .body import has_body, is_json
from .json_input import parse_json_object

__all__ = ["ISSUED_KEY", "content_for", "error_code", "remember_issued"]

ISSUED_KEY = "mockserver.issued"  # the environ key under which a login leaves its token for the journal

_ALIKE_KEPT = 256  # contents remembered for requests that look alike; past them, the memory starts afresh


def remember_issued(environ: dict[str, Any], issued: IssuedToken) -> None:
    """A login's token, for its journal entry to keep as `issued` (its hash and prefix, never itself)."""
    environ[ISSUED_KEY] = issued


def content_for(request: Request, status: int, error: str | None, seen: Look | None) -> EntryContent:
    """The entry of a request answered with `status` and, for a refusal, its `error` code: the headers
    and query read from the environ, a login's token from `remember_issued`. A request that looks
    like an earlier one (`seen`, from `alike.look`) and made no login gets that one's content."""
    environ = request.environ
    if seen is None or ISSUED_KEY in environ:
        return _content(request, headers_of(environ), status, error)
    key = (seen[0], status, error)
    found = _ALIKE.get(key)
    if found is None:
        found = _content(request, present(seen[1], seen[0][2]), status, error)
        if len(_ALIKE) >= _ALIKE_KEPT:  # the client's: bounded
            _ALIKE.clear()
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


_ALIKE: dict[tuple[Any, ...], EntryContent] = {}


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
