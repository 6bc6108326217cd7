"""The services one mock holds, wired once by create_app and reached from views through the app."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from .clock import Clock
from .journal import Journal
from .settings import Settings
from .tokens import TokenStore
from .users import UserDirectory

__all__ = ["MockState", "state"]

EXTENSION_KEY = "mockserver"


@dataclass
class MockState:
    settings: Settings
    clock: Clock
    tokens: TokenStore
    users: UserDirectory
    journal: Journal

    def reset(self) -> None:
        """Back to how the mock started: clock, tokens, users and journal."""
        self.clock.reset()
        self.tokens.clear()
        self.users.reset()
        self.journal.clear()


def state() -> MockState:
    return current_app.extensions[EXTENSION_KEY]
