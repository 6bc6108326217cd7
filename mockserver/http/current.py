"""The mock's services as a view reaches them: through the app serving the request."""

from __future__ import annotations

from flask import current_app

from ..core.state import EXTENSION_KEY, MockState

__all__ = ["state"]


def state() -> MockState:
    return current_app.extensions[EXTENSION_KEY]
