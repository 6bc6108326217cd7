"""Requests that look alike: the same method, path, query, host and header values, and no body.

A load test sends one request again and again; what is worked out from a request alone (its
journal entry, and under an unchanged state the pipeline's decision) is worked out for the first
and found again for the others, by the key `look` gives. The headers are read from the environ as
werkzeug's `request.headers` lists them, by layout: a served environ holds the worker's whole
process environment too (granian copies it in), so which of its keys are headers, and their names,
are worked out once per layout of keys rather than key by key on every request.
"""

from __future__ import annotations

import itertools
from typing import Any

__all__ = ["Layout", "Look", "headers_of", "look", "present"]

Layout = tuple[tuple[str, str, bool], ...]  # (environ key, header name, kept even when empty)
Look = tuple[tuple[Any, ...], Layout]  # the key of requests that look alike, their headers' layout
MAX_ALIKE_CHARS = 8192  # a request whose path, query and header values are longer has no key
# What else of the environ a decision reads besides the headers: the host binding and the path
_PLACE = (
    "REQUEST_METHOD",
    "PATH_INFO",
    "QUERY_STRING",
    "SCRIPT_NAME",
    "wsgi.url_scheme",
    "SERVER_NAME",
    "SERVER_PORT",
)
_CACHED_KEY = 128  # longer environ keys are translated uncached, so the cache stays small
_NAMES_KEPT = 1024  # environ keys remembered; past them, keys are translated every time
_LAYOUTS_KEPT = 64  # layouts remembered; past them the cache starts afresh
_LAYOUT_KEYS = 512  # an environ of more keys than this is read without being remembered


def look(environ: dict[str, Any]) -> Look | None:
    """The key of the requests that look like this one, and its headers' layout; None for a request
    that may have a body (chunked, or a Content-Length but 0) or longer than MAX_ALIKE_CHARS."""
    if "HTTP_TRANSFER_ENCODING" in environ:
        return None
    declared = environ.get("CONTENT_LENGTH")
    if declared and declared != "0":
        return None
    number, layout = _layout_of(environ)
    values = tuple([environ[key] for key, _, _ in layout])
    place = tuple([environ.get(key) for key in _PLACE])
    if sum(map(len, values)) + len(place[1] or "") + len(place[2] or "") > MAX_ALIKE_CHARS:
        return None
    return (number, place, values), layout


def headers_of(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The request's headers as werkzeug's `request.headers` lists them, read from the environ."""
    _, layout = _layout_of(environ)
    return present(layout, [environ[key] for key, _, _ in layout])


def present(layout: Layout, values: Any) -> list[tuple[str, str]]:
    """The (name, value) pairs of a layout's values: an empty value only where it is a header."""
    return [(name, value) for (_, name, always), value in zip(layout, values, strict=True) if value or always]


def _layout_of(environ: dict[str, Any]) -> tuple[int, Layout]:
    """Which of the environ's keys are headers, and their names, with the number that names this
    layout for as long as it is remembered (never reused, so no key meets another layout)."""
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
_layout_numbers = itertools.count()
