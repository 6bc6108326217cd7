"""A mock of a platform that issues expiring Bearer tokens and protects its API with them."""

from __future__ import annotations

from .app import create_app
from .clock import Clock, ManualClock, ShiftedClock
from .errors import OAuthError
from .server import MockServer
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
