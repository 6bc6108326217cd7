"""A received request as a journal entry: the edge reads headers, query and body; core bounds and redacts."""

from __future__ import annotations

import os
from typing import Any

from flask import Request, Response
from werkzeug.exceptions import HTTPException

from ..core.errors import OAuthError
from ..core.journal import JournalEntry, bounded_entry
from .body import has_body, is_json
from .json_input import parse_json_object

__all__ = ["entry_from"]


def entry_from(request: Request, response: Response, now: float) -> JournalEntry:
    return bounded_entry(
        time=now,
        method=request.method,
        path=request.path,
        query=request.query_string.decode("latin-1"),
        headers=request.headers.items(),
        form=_body_fields(request),
        status=response.status_code,
        worker=os.getpid(),
    )


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
