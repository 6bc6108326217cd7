"""What kind of body a request carries, decided one way for every reader (credentials, control, journal)."""

from __future__ import annotations

from flask import Request

__all__ = ["has_body", "is_json"]


def has_body(request: Request) -> bool:
    """A chunked body has no Content-Length, yet is a body."""
    return bool(request.content_length) or "HTTP_TRANSFER_ENCODING" in request.environ


def is_json(mimetype: str) -> bool:
    """application/json and any structured +json type (RFC 6839), as the login accepts them."""
    return mimetype == "application/json" or mimetype.endswith("+json")
