"""Flask without the per-request work the mock never uses: sessions and the async check of each hook."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import FunctionType
from typing import Any

from flask import Flask
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


class LeanFlask(Flask):
    """Flask asks `inspect` whether every hook and view is a coroutine on every request; the answer
    for a plain function never changes, so it is asked once per function."""

    session_interface = _NoSessions()

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
