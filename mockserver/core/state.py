"""The services one mock holds, wired once by create_app and reached from views through the app."""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import Settings
from .clock import Clock
from .faults import FaultBook
from .journal import Journal
from .lockout import Lockout
from .shared import SharedDocument
from .tokens import TokenAuthority
from .users import UserDirectory

__all__ = ["EXTENSION_KEY", "MockState"]

EXTENSION_KEY = "mockserver"


@dataclass
class MockState:
    settings: Settings
    clock: Clock
    shared: SharedDocument
    tokens: TokenAuthority
    users: UserDirectory
    journal: Journal
    faults: FaultBook
    lockout: Lockout

    def reset(self) -> None:
        """Back to how the mock started: clock, tokens (a new signing key), users, faults, journal."""
        self.shared.reset()
        self.clock.reset()
