"""Flask's Request, with a urlencoded body parsed as werkzeug parses it minus the parser's set-up.

For `application/x-www-form-urlencoded`, werkzeug's FormDataParser comes down to one call:
`parse_qsl(body.decode(), keep_blank_values=True, errors="werkzeug.url_quote")`, silent on bad
UTF-8 (an empty form). Building the parser, its stream and its limits around that call cost every
login about 14 µs of CPU, more than the parse. Here the body is read by werkzeug (`get_data`: the
length limits, a chunked or short body) and handed to the same call. Every other type of body goes
to werkzeug's parser unchanged; `test_lean_request.py` holds the two to the same result.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401 - registers the "werkzeug.url_quote" error handler used below
from flask import Request

from .body import MAX_BODY_BYTES

__all__ = ["URLENCODED", "LeanRequest", "PlaneRequest", "parse_urlencoded"]

URLENCODED = "application/x-www-form-urlencoded"


def parse_urlencoded(data: bytes) -> list[tuple[str, str]]:
    """A urlencoded body's fields, in order, as werkzeug's form parser reads them."""
    try:
        return parse_qsl(data.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
    except ValueError:  # UnicodeDecodeError: werkzeug's parser is silent and gives an empty form
        return []


class LeanRequest(Request):
    def _load_form_data(self) -> None:
        if "form" in self.__dict__ or self.mimetype != URLENCODED:
            super()._load_form_data()
            return
        data = self.get_data(cache=True)  # raises 413 past max_content_length, as the parser would
        items = parse_urlencoded(data)
        fields = self.__dict__
        fields["form"] = self.parameter_storage_class(items)
        fields["files"] = self.parameter_storage_class()


class _ReadLater:
    """An attribute werkzeug's `Request.__init__` sets, set on first use: that first use runs the
    `__init__`, which sets all of them on the instance, where later reads find them. (A
    `__getattr__` would do the same, but it slows every attribute lookup on the class.)"""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, request: Any, owner: type | None = None) -> Any:
        if request is None:
            return self
        Request.__init__(request, request.environ)
        return request.__dict__[self._name]


class PlaneRequest(LeanRequest):
    """A data-plane request, read outside Flask's request context: the body limits set here, not
    read from `current_app` (`MAX_BODY_BYTES` for the body and for a form held in memory).

    Built with its method and path only, as werkzeug reads them: a plain GET /me needs no more. The
    rest of werkzeug's `__init__` (the server, the headers' view, the query's bytes...) runs when
    something first asks for one of them.
    """

    scheme = _ReadLater()
    server = _ReadLater()
    root_path = _ReadLater()
    query_string = _ReadLater()
    headers = _ReadLater()
    remote_addr = _ReadLater()

    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ
        self.shallow = False
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO") or ""
        if not path.isascii():  # as werkzeug reads PATH_INFO: latin-1 bytes, read as UTF-8
            path = path.encode("latin1").decode(errors="replace")
        self.path = "/" + path.lstrip("/")
        environ["werkzeug.request"] = self
        self.max_content_length = MAX_BODY_BYTES
        self.max_form_memory_size = MAX_BODY_BYTES
