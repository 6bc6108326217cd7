"""How the suite gets an expired token, and a token near the end of its life.

In this order: on the bundled mock, move its clock; else use CONTRACT_EXPIRED_TOKEN; else, if the
announced lifetime is at most CONTRACT_EXPIRY_WAIT, wait for a fresh token to expire (until at
most one second past expires_in); else skip, naming the flag and the variable that would enable
the check (or saying that none would). Ctrl-C during a wait ends the run in one line: no verdict.
`CLOCK` is the suite's own time, a seam so that the suite's tests wait without sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NoReturn, Protocol

import pytest

from .client import ContractClient
from .login import Issued, Login, issued_token
from .redaction import Secret, keep
from .settings import ContractSettings

__all__ = ["CLOCK", "GRANULARITY", "PAST_EXPIRY", "Expiry", "RealClock", "SuiteClock", "early_margin"]

EXPIRED_TOKEN = "CONTRACT_EXPIRED_TOKEN (environment or profile: a token known to be expired)"
EXPIRY_WAIT = "--expiry-wait (CONTRACT_EXPIRY_WAIT)"
PAST_EXPIRY = 1.0  # seconds past expires_in at which a token must be refused
GRANULARITY = 1.0  # a platform may count expiry in whole seconds: exp = floor(iat) + expires_in


class SuiteClock(Protocol):
    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


CLOCK: SuiteClock = RealClock()


def early_margin(lifetime: float) -> float:
    """How long before the announced end a token is checked: enough for latency and whole seconds."""
    return min(2.0, lifetime / 2)


@dataclass(frozen=True)
class Expiry:
    """Tokens at chosen ages. `move_clock` exists only for the bundled mock."""

    login: Login
    client: ContractClient
    settings: ContractSettings
    move_clock: Callable[[float], None] | None
    announced: float | None  # expires_in of the session's first login: decides a skip before logging in

    @contextmanager
    def expired_token(self) -> Iterator[Secret]:
        if self.move_clock is None and self.settings.expired_token is not None:
            yield self.settings.expired_token
            return
        issued = self._fresh(EXPIRED_TOKEN, "or", EXPIRY_WAIT)
        yield from self._aged(issued, issued.received_at + self._lifetime(issued) + PAST_EXPIRY)

    @contextmanager
    def nearly_expired_token(self) -> Iterator[Secret]:
        """The token shortly before its end, allowing for whole-second expiry: it may live a second less."""
        issued = self._fresh(None, "", EXPIRY_WAIT)
        lifetime = self._lifetime(issued)
        age = lifetime - GRANULARITY - early_margin(lifetime)
        if age <= 0:
            _skip(
                f"expires_in is {lifetime:g} s: a platform counting expiry in whole seconds may end a token "
                f"up to {GRANULARITY:g} s early, leaving no moment shortly before its end to check; "
                "no setting enables this check"
            )
        yield from self._aged(issued, issued.sent_at + age)

    def _fresh(self, token: str | None, joint: str, wait: str) -> Issued:
        """A fresh token whose expiry this run can reach; else a skip naming the settings that would
        enable the check: `token` (a known expired token), `joint`, then `wait`."""
        self._skip_unless_reachable(self.announced, token, joint, wait)
        issued = issued_token(self.login, self.client, CLOCK.now)
        self._skip_unless_reachable(issued.expires_in, token, joint, wait)
        return issued

    def _skip_unless_reachable(
        self, lifetime: float | None, token: str | None, joint: str, wait: str
    ) -> None:
        if lifetime is None:
            enable = f"set {token}" if token else "no setting enables this check"
            _skip(
                f"the token response has no usable expires_in, so no moment of expiry to wait for; {enable}"
            )
        if not math.isfinite(lifetime) or (self.move_clock is None and lifetime > self.settings.expiry_wait):
            either = f"{token}, {joint} " if token else ""
            _skip(
                f"needs {either}{wait} of at least {_seconds(lifetime)} (the announced expires_in); "
                f"the wait allowed is {self.settings.expiry_wait:g} s"
            )

    @staticmethod
    def _lifetime(issued: Issued) -> float:
        assert issued.expires_in is not None
        return issued.expires_in

    def _aged(self, issued: Issued, moment: float) -> Iterator[Secret]:
        """The token once the target's time reaches `moment` (suite clock): moved, or waited for."""
        delay = max(0.0, moment - CLOCK.now())
        if self.move_clock is None:
            try:
                CLOCK.sleep(delay)
            except KeyboardInterrupt:
                pytest.exit(
                    f"contract suite: interrupted while waiting {delay:.0f} s for a token to expire: "
                    "no verdict",
                    returncode=int(pytest.ExitCode.INTERRUPTED),
                )
            yield issued.token
            return
        self.move_clock(delay)
        try:
            yield issued.token
        finally:
            self.move_clock(-delay)


def _skip(reason: str) -> NoReturn:
    """A skip whose reason is the suite's own text: never masked in any report."""
    keep(reason)
    pytest.skip(reason)


def _seconds(lifetime: float) -> str:
    """A lifetime for a skip reason; an integer too large for a float reads as what it is."""
    return f"{lifetime:g} s" if math.isfinite(lifetime) else "more than 1e308 s"
