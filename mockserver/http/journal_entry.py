"""A received request as a journal entry: the edge's reading of headers, query and body, redacted."""

from __future__ import annotations

import os
from typing import Any

from flask import Request, Response
from werkzeug.exceptions import HTTPException

from ..core.errors import OAuthError
from ..core.journal import JournalEntry
from ..core.redaction import redact_fields, redact_header, redact_query
from .body import has_body, is_json
from .json_input import parse_json_object

__all__ = ["entry_from"]


def entry_from(request: Request, response: Response, now: float) -> JournalEntry:
    headers = {name: redact_header(name, value) for name, value in request.headers.items()}
    return JournalEntry(
        time=now,
        method=request.method,
        path=request.path,
        query=redact_query(request.query_string.decode("latin-1")),
        headers=headers,
        form=_body_fields(request),
        status=response.status_code,
        worker=os.getpid(),
    )


def _body_fields(request: Request) -> dict[str, Any]:
    """The body's fields, redacted; empty when the body is not a form or JSON object, or unreadable."""
    if not has_body(request):
        return {}
    try:
        if is_json(request.mimetype):
            return redact_fields(parse_json_object(request.get_data()))
        return redact_fields(request.form.items(multi=True))
    except (HTTPException, OAuthError, ValueError):
        return {}
