"""Read username and password from a form body, a JSON body or the query string."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request

from ..core.errors import OAuthError
from .body import has_body, is_json
from .json_input import parse_json_object

__all__ = ["Credentials", "read_credentials"]

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_FIELDS = ("username", "password")
_MAX_JSON_DEPTH = 8
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)


def read_credentials(request: Request) -> Credentials:
    """One value per parameter across body and query: RFC 6749 §3.1 forbids repeating one.

    Takes the request object itself, not Flask's `request` proxy."""
    sources = [_body_fields(request)]
    if request.environ.get("QUERY_STRING"):  # most logins have none: nothing to check or parse
        _require_utf8(request.query_string, "query string")
        sources.insert(0, request.args)
    return _credentials(sources)


def _credentials(sources: list[MultiDict[str, Any]]) -> Credentials:
    given = _one_value_each(sources)
    username = _checked("username", given.get("username", ""))
    return Credentials(username, _checked("password", given.get("password", "")))


def _one_value_each(sources: list[MultiDict[str, Any]]) -> dict[str, object]:
    """Every parameter's value, refusing one given twice, in a source or across them."""
    given: dict[str, object] = {}
    for source in sources:
        for name, values in source.lists():
            if len(values) > 1 or name in given:
                raise OAuthError.invalid_request(f"the parameter {name[:64]!r} is given more than once")
            given[name] = values[0]
    return given


def _body_fields(request: Request) -> MultiDict[str, Any]:
    if not has_body(request):
        return MultiDict()
    mimetype = request.mimetype
    if mimetype == "application/x-www-form-urlencoded":
        _require_utf8(request.get_data(cache=True), "body")
    if mimetype == "multipart/form-data":
        return _decoded(request.form)
    if mimetype in FORM_TYPES:
        return request.form
    if is_json(mimetype):
        # As pairs: MultiDict would read a JSON array as repeated values, so ["pw"] would pass as "pw".
        fields = parse_json_object(request.get_data(), max_depth=_MAX_JSON_DEPTH)
        return MultiDict(list(fields.items()))
    raise OAuthError.invalid_request(
        f"unsupported content type {mimetype or 'none'!r}: send "
        "application/x-www-form-urlencoded, multipart/form-data or application/json"
    )


def _require_utf8(urlencoded: bytes, where: str) -> None:
    """werkzeug decodes bad UTF-8 leniently, to U+FFFD; a login should be refused instead.
    Without a %-escape the bytes are the text: one decode tells."""
    try:
        (unquote_to_bytes(urlencoded) if b"%" in urlencoded else urlencoded).decode("utf-8")
    except UnicodeDecodeError:
        raise OAuthError.invalid_request(f"the {where} is not valid UTF-8") from None


def _decoded(form: MultiDict[str, str]) -> MultiDict[str, str]:
    """werkzeug's multipart parser decodes bad UTF-8 to U+FFFD too, after the bytes are gone."""
    if any("\ufffd" in value for name in _FIELDS for value in form.getlist(name)):
        raise OAuthError.invalid_request("the body is not valid UTF-8")
    return form


def _checked(name: str, value: object) -> str:
    if value == "":
        raise OAuthError.invalid_request(f"the parameter {name!r} is missing")
    if not isinstance(value, str):
        raise OAuthError.invalid_request(f"the parameter {name!r} must be a string")
    if _CONTROL_CHARACTER.search(value):
        raise OAuthError.invalid_request(f"the parameter {name!r} holds control characters")
    return value
