"""Flask without per-request work the mock never uses: sessions, the async check of each hook, and
a new JSON encoder for every answer."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from types import FunctionType
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask.sessions import NullSession, SessionInterface, SessionMixin

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


class LeanFlask(Flask):
    """Flask asks `inspect` whether every hook and view is a coroutine on every request; the answer
    for a plain function never changes, so it is asked once per function."""

    session_interface = _NoSessions()
    json_provider_class = _ReusedEncoder

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._sync[func]
        except (KeyError, TypeError):
            pass
        synced = super().ensure_sync(func)
        if type(func) is FunctionType and not inspect.iscoroutinefunction(func):
            self._sync[func] = synced  # registered hooks and views: a bounded set
        return synced
