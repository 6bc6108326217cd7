"""What kind of body a request carries, decided one way for every reader (credentials, control, journal),
and how large a body may be."""

from __future__ import annotations

from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.sansio.utils import get_content_length
from werkzeug.wrappers import Request

__all__ = ["MAX_BODY_BYTES", "has_body", "is_json", "refuse_oversized_body"]

MAX_BODY_BYTES = 16 * 1024


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


def refuse_oversized_body(request: Request) -> None:
    """413 on every route and method, not only where a view reads the body; 400 for a length that
    is not a number of bytes.

    A declared length is checked as it stands. werkzeug stops reading a chunked body at the
    size limit without a word: it is read here (the routes' parsers reuse it) to say 413 instead.
    """
    environ = request.environ  # read raw: this runs on every request
    declared = environ.get("CONTENT_LENGTH")
    if declared:
        if not (declared.isascii() and declared.isdigit()):  # "²".isdigit(), yet int() refuses it
            raise BadRequest("Content-Length must be a number of bytes")
        if int(declared) > MAX_BODY_BYTES:
            raise RequestEntityTooLarge()
        return
    if "HTTP_TRANSFER_ENCODING" not in environ:
        return
    data = request.get_data(cache=True)  # cached: the route's parsers read it from here
    if len(data) >= MAX_BODY_BYTES and environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
