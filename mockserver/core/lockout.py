"""An optional lockout after N wrong passwords, as some platforms do (off by default).

Failures are kept in the shared document, which every worker copies when it changes, so the table
is bounded twice: each username is kept as a 32-character digest, however long it is, and at most
MAX_TRACKED_USERNAMES names are counted. A name that is locked or still counting is never dropped
to make room (that would unlock it); only names whose last failure is older than the lockout are.
While the table is full of live names, every login under a name it does not hold is answered 429
before its password is looked at, the right one included: a spray of wrong logins can neither
unlock a name nor grow the state, and no name is guessed without a count (429 for a wrong password
but 200 for the right one would be an oracle with unlimited guesses). The trade: while someone
keeps the table full, names it does not hold cannot log in (docs/mock.md).
"""

from __future__ import annotations

import hashlib
import math

from ..store import Document
from .clock import Clock
from .errors import OAuthError
from .shared import SharedDocument

__all__ = ["MAX_TRACKED_USERNAMES", "Lockout", "failure_key"]

MAX_TRACKED_USERNAMES = 1_000
_FULL = "too many wrong logins under other names; try again later"


def failure_key(username: str) -> str:
    """A bounded key: a 15 KB username must not swell the document every worker re-reads."""
    return hashlib.blake2b(username.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Lockout:
    """Counts wrong passwords per username (known or not, so it does not reveal which exist)."""

    def __init__(self, shared: SharedDocument, clock: Clock, after: int, seconds: int) -> None:
        self._shared = shared
        self._clock = clock
        self._after = after
        self._seconds = seconds

    @property
    def enabled(self) -> bool:
        return self._after > 0

    def check(self, username: str) -> None:
        """Raise 429 with Retry-After while the username is locked, or while the table is full of
        live names and this one is not among them (its guesses could not be counted)."""
        if not self.enabled:
            return
        failures, now = self._shared.view().failures, self._clock.now()
        key = failure_key(username)
        if key not in failures:
            if len(failures) >= MAX_TRACKED_USERNAMES:  # stale names are dropped only by failed()
                live = [when for _, when in failures.values() if now - when < self._seconds]
                if len(live) >= MAX_TRACKED_USERNAMES:
                    raise _too_many(_FULL, min(live) + self._seconds - now)
            return
        count, last = failures[key]
        remaining = last + self._seconds - now
        if count >= self._after and remaining > 0:
            raise _too_many("too many wrong passwords; try again later", remaining)

    def failed(self, username: str) -> None:
        """Count a wrong password; 429 if the table is full of live names and this one is not in it."""
        if not self.enabled:
            return
        now = self._clock.now()
        key = failure_key(username)

        def count(document: Document) -> float | None:
            failures = document["failures"]
            for stale in [name for name, (_, when) in failures.items() if now - when >= self._seconds]:
                del failures[stale]
            if key not in failures and len(failures) >= MAX_TRACKED_USERNAMES:
                oldest: float = min(when for _, when in failures.values())
                return oldest + self._seconds - now
            previous, last = failures.get(key, (0, 0.0))
            fresh = now - last >= self._seconds
            failures[key] = (1 if fresh else previous + 1, now)
            return None

        wait = self._shared.update(count)
        if wait is not None:
            raise _too_many(_FULL, wait)

    def succeeded(self, username: str) -> None:
        if not self.enabled:
            return
        key = failure_key(username)
        if key in self._shared.view().failures:
            self._shared.update(lambda document: document["failures"].pop(key, None))


def _too_many(description: str, remaining: float) -> OAuthError:
    error = OAuthError("too_many_attempts", description, 429)
    error.headers["Retry-After"] = str(max(1, math.ceil(remaining)))
    return error
