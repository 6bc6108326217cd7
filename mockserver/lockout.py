"""An optional lockout after N wrong passwords, as some platforms do (off by default)."""

from __future__ import annotations

import math

from .clock import Clock
from .errors import OAuthError
from .shared import SharedState

__all__ = ["Lockout"]


class Lockout:
    """Counts wrong passwords per username (known or not, so it does not reveal which exist)."""

    def __init__(self, shared: SharedState, clock: Clock, after: int, seconds: int) -> None:
        self._shared = shared
        self._clock = clock
        self._after = after
        self._seconds = seconds

    @property
    def enabled(self) -> bool:
        return self._after > 0

    def check(self, username: str) -> None:
        """Raise 429 with Retry-After while the username is locked."""
        if not self.enabled:
            return
        count, last = self._shared.view().failures.get(username, (0, 0.0))
        remaining = last + self._seconds - self._clock.now()
        if count >= self._after and remaining > 0:
            error = OAuthError("too_many_attempts", "too many wrong passwords; try again later", 429)
            error.headers["Retry-After"] = str(math.ceil(remaining))
            raise error

    def failed(self, username: str) -> None:
        if not self.enabled:
            return
        now = self._clock.now()

        def count(document: dict) -> None:
            previous, last = document["failures"].get(username, (0, 0.0))
            fresh = now - last >= self._seconds
            document["failures"][username] = (1 if fresh else previous + 1, now)

        self._shared.update(count)

    def succeeded(self, username: str) -> None:
        if self.enabled and username in self._shared.view().failures:
            self._shared.update(lambda document: document["failures"].pop(username, None))
