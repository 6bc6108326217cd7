"""Flask without per-request work the mock never uses: sessions, the async check of each hook, a
new JSON encoder for every answer, the host's normalisation (IDNA and all) on every request, and
the form parser's set-up around a urlencoded body (`lean_request.py`)."""

from __future__ import annotations

import inspect
import json
import threading
from collections.abc import Callable
from types import FunctionType
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask.sessions import NullSession, SessionInterface, SessionMixin
from werkzeug.routing import Map, MapAdapter
from werkzeug.wsgi import get_host

from .lean_request import LeanRequest

__all__ = ["LeanFlask"]


class _NoSessions(SessionInterface):
    """The mock keeps no cookie session: open nothing per request, save nothing."""

    def open_session(self, app: Flask, request: Any) -> SessionMixin:
        return NullSession()

    def is_null_session(self, obj: object) -> bool:
        return True

    def save_session(self, app: Flask, session: SessionMixin, response: Any) -> None:
        return None


class _ReusedEncoder(DefaultJSONProvider):
    """json.dumps with any argument builds a JSONEncoder per call; the same answer, from one encoder
    per setting (the settings can change after start: `app.json.sort_keys = False`)."""

    _encoders: dict[tuple[Any, ...], Callable[[Any], str]]

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if not kwargs.keys() <= _LAYOUT:  # anything beyond the layout response() chooses: as Flask does
            return super().dumps(obj, **kwargs)
        separators, indent = kwargs.get("separators"), kwargs.get("indent")
        setting = (bool(self.ensure_ascii), bool(self.sort_keys), separators, indent)
        encoders = self.__dict__.setdefault("_encoders", {})
        encode = encoders.get(setting)
        if encode is None:
            encoder = json.JSONEncoder(
                default=self.default,
                ensure_ascii=setting[0],
                sort_keys=setting[1],
                separators=separators,
                indent=indent,
            )
            encode = encoders[setting] = encoder.encode
        return encode(obj)


_LAYOUT = frozenset({"separators", "indent"})
# The Host header is the client's: past this many bindings, the oldest is forgotten for the new one,
# so junk hosts cannot fill the cache for good (a host forgotten is bound by Flask again, once).
_HOSTS_CACHED = 64


def _wsgi_text(value: str) -> str:
    """As werkzeug reads a WSGI string (PATH_INFO, QUERY_STRING): latin-1 bytes decoded as UTF-8."""
    return value.encode("latin1").decode(errors="replace")


def _binding_key(environ: dict[str, Any]) -> tuple[Any, ...]:
    """What Flask's binding of a request reads, besides its path, method and query."""
    return (
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ["wsgi.url_scheme"],
        environ.get("SCRIPT_NAME"),
        environ.get("HTTP_CONNECTION"),
        environ.get("HTTP_UPGRADE"),
    )


class LeanFlask(Flask):
    """Flask asks `inspect` whether every hook and view is a coroutine on every request; the answer
    for a plain function never changes, so it is asked once per function."""

    request_class = LeanRequest
    session_interface = _NoSessions()
    json_provider_class = _ReusedEncoder

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable[..., Any], Callable[..., Any]] = {}
        self._bound: dict[tuple[Any, ...], tuple[str, str, str | None, str]] = {}  # oldest first
        self._binding = threading.Lock()  # for the cache's eviction

    def create_url_adapter(self, request: Any) -> MapAdapter | None:
        """What werkzeug derives from the host, scheme and script name (lower case, IDNA, the
        subdomain) is derived once per such triple; the path, method and query are the request's.
        Any setting that changes how Flask binds (trusted hosts, SERVER_NAME, host or subdomain
        matching) takes Flask's way on every request; the cache keeps the newest bindings."""
        if request is None or self._binds_specially():
            return super().create_url_adapter(request)
        return self.bind(self.url_map, request)

    def bind(self, url_map: Map, request: Any) -> MapAdapter:
        """`url_map` bound to `request` as Flask binds its own map to it (the host refused as
        Flask refuses it: BadHost, SecurityError), from the cache of bindings where it can."""
        if self._binds_specially():
            return self._bind_as_flask(url_map, request)
        environ = request.environ
        key = _binding_key(environ)
        bound = self._bound.get(key)
        if bound is None:
            adapter = self._bind_as_flask(url_map, request)  # BadHost and the like raise as before
            parts = (adapter.server_name, adapter.script_name, adapter.subdomain, adapter.url_scheme)
            self._remember(key, parts)
            return adapter
        path_info, query = environ.get("PATH_INFO"), environ.get("QUERY_STRING")
        return MapAdapter(
            url_map,
            *bound,
            _wsgi_text(path_info) if path_info is not None else "/",
            environ["REQUEST_METHOD"],
            _wsgi_text(query) if query is not None else None,
        )

    def _bind_as_flask(self, url_map: Map, request: Any) -> MapAdapter:
        """Flask's `create_url_adapter` (3.1), for its own map or another."""
        if url_map is self.url_map:
            adapter = super().create_url_adapter(request)
            if adapter is None:  # Flask binds every request; None only outside one
                raise RuntimeError("Flask bound no URL adapter to a request")
            return adapter
        if (trusted_hosts := self.config["TRUSTED_HOSTS"]) is not None:
            request.trusted_hosts = trusted_hosts
        request.host = get_host(request.environ, request.trusted_hosts)  # raises for an untrusted host
        subdomain, server_name = None, self.config["SERVER_NAME"]
        if url_map.host_matching:
            server_name = None
        elif not self.subdomain_matching:
            subdomain = url_map.default_subdomain or ""
        return url_map.bind_to_environ(request.environ, server_name=server_name, subdomain=subdomain)

    def _remember(self, key: tuple[Any, ...], parts: tuple[str, str, str | None, str]) -> None:
        """Cache a binding; past the bound, the oldest one goes."""
        with self._binding:
            bound = self._bound
            while len(bound) >= _HOSTS_CACHED:
                del bound[next(iter(bound))]
            bound[key] = parts

    def has_bound(self, environ: dict[str, Any]) -> bool:
        """Whether `bind` would bind this request from the cache: its host, scheme and script name
        were bound before (and so are known to pass), and no setting makes each binding Flask's."""
        return _binding_key(environ) in self._bound and not self._binds_specially()

    def _binds_specially(self) -> bool:
        config = self.config
        return (
            config["TRUSTED_HOSTS"] is not None
            or config["SERVER_NAME"] is not None
            or self.url_map.host_matching
            or self.subdomain_matching
        )

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._sync[func]
        except (KeyError, TypeError):
            pass
        synced = super().ensure_sync(func)
        if type(func) is FunctionType and not inspect.iscoroutinefunction(func):
            self._sync[func] = synced  # registered hooks and views: a bounded set
        return synced
