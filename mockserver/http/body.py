"""What kind of body a request carries, decided one way for every reader (credentials, control, journal)."""

from __future__ import annotations

from flask import Request
from werkzeug.sansio.utils import get_content_length

__all__ = ["has_body", "is_json"]


def has_body(request: Request) -> bool:
    """A chunked body has no Content-Length, yet is a body. Most requests (a GET) have neither,
    which the environ tells without werkzeug's header parsing."""
    environ = request.environ
    if "HTTP_TRANSFER_ENCODING" in environ:
        return True
    declared = environ.get("CONTENT_LENGTH")
    return bool(declared) and bool(get_content_length(declared))


def is_json(mimetype: str) -> bool:
    """application/json and any structured +json type (RFC 6839), as the login accepts them."""
    return mimetype == "application/json" or mimetype.endswith("+json")
