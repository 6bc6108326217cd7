"""An optional lockout after N wrong passwords, as some platforms do (off by default)."""

from __future__ import annotations

import math

from .clock import Clock
from .errors import OAuthError
from .shared import SharedState

__all__ = ["MAX_TRACKED_USERNAMES", "Lockout"]

# Every request copies the shared state when it changed: a spray of wrong logins under new names
# must not grow it without bound. Past this many, the names whose last failure is oldest are forgotten.
MAX_TRACKED_USERNAMES = 1_000


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
            failures = document["failures"]
            previous, last = failures.pop(username, (0, 0.0))
            for stale in [name for name, (_, when) in failures.items() if now - when >= self._seconds]:
                del failures[stale]
            excess = len(failures) + 1 - MAX_TRACKED_USERNAMES
            if excess > 0:
                for oldest in sorted(failures, key=lambda name: failures[name][1])[:excess]:
                    del failures[oldest]
            fresh = now - last >= self._seconds
            failures[username] = (1 if fresh else previous + 1, now)

        self._shared.update(count)

    def succeeded(self, username: str) -> None:
        if self.enabled and username in self._shared.view().failures:
            self._shared.update(lambda document: document["failures"].pop(username, None))
