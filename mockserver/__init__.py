"""A mock of a platform that issues expiring Bearer tokens and protects its API with them.

The names below are imported on first use (PEP 562): the pytest plugin lives in this package, so
every pytest run of a project that installs it imports this module, and should not pay for Flask.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .core.clock import Clock, ManualClock, ShiftedClock
    from .core.errors import OAuthError
    from .serving.server import MockServer
    from .settings import ConfigError, Settings, load_settings

__all__ = [
    "Clock",
    "ConfigError",
    "ManualClock",
    "MockServer",
    "OAuthError",
    "Settings",
    "ShiftedClock",
    "create_app",
    "load_settings",
]

_HOMES = {
    "create_app": ".app",
    "Clock": ".core.clock",
    "ManualClock": ".core.clock",
    "ShiftedClock": ".core.clock",
    "OAuthError": ".core.errors",
    "MockServer": ".serving.server",
    "ConfigError": ".settings",
    "Settings": ".settings",
    "load_settings": ".settings",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name], __name__), name)
    globals()[name] = value
    return value
