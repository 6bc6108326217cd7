"""Issue, authenticate and revoke opaque expiring tokens. Knows nothing of HTTP; reads the clock."""

from __future__ import annotations

import enum
import hashlib
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .clock import Clock

__all__ = ["IssuedToken", "TokenProblem", "TokenRecord", "TokenRejected", "TokenStore"]

TOKEN_BYTES = 32  # 256 bits of entropy; token_urlsafe gives 43 URL-safe characters


class TokenProblem(enum.Enum):
    UNKNOWN = "the access token is not known"
    EXPIRED = "the access token has expired"
    REVOKED = "the access token has been revoked"


class TokenRejected(Exception):
    def __init__(self, problem: TokenProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class TokenRecord:
    """What the store knows of a token: never the token itself, only its hash."""

    username: str
    permissions: frozenset[str]
    issued_at: float
    expires_at: float
    revoked: bool = False


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    record: TokenRecord


def token_key(token: str) -> str:
    """Tokens are kept hashed, so no dump of the store reveals a usable one."""
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore:
    """In-memory tokens, thread-safe. Expired and revoked records are purged after a grace period.

    The grace period (one lifetime past expiry) lets a recently expired token be told apart
    from an unknown one; after it, memory is freed and the token is simply unknown.
    """

    def __init__(self, clock: Clock, ttl: int) -> None:
        self._clock = clock
        self._ttl = ttl
        self._records: dict[str, TokenRecord] = {}
        self._lock = threading.Lock()
        self._next_purge = clock.now() + ttl

    def issue(self, username: str, permissions: Iterable[str]) -> IssuedToken:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self._clock.now()
        record = TokenRecord(username, frozenset(permissions), now, now + self._ttl)
        with self._lock:
            self._records[token_key(token)] = record
            self._purge_if_due(now)
        return IssuedToken(token, self._ttl, record)

    def authenticate(self, token: str) -> TokenRecord:
        record = self._records.get(token_key(token))
        if record is None:
            raise TokenRejected(TokenProblem.UNKNOWN)
        if record.revoked:
            raise TokenRejected(TokenProblem.REVOKED)
        if self._clock.now() >= record.expires_at:
            raise TokenRejected(TokenProblem.EXPIRED)
        return record

    def revoke(self, token: str) -> bool:
        key = token_key(token)
        with self._lock:
            record = self._records.get(key)
            if record is None or record.revoked:
                return False
            self._records[key] = replace(record, revoked=True)
            return True

    def revoke_user(self, username: str) -> int:
        with self._lock:
            keys = [
                key
                for key, record in self._records.items()
                if record.username == username and not record.revoked
            ]
            for key in keys:
                self._records[key] = replace(self._records[key], revoked=True)
            return len(keys)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def __len__(self) -> int:
        return len(self._records)

    def purge(self) -> int:
        """Forget records past their grace period; returns how many were dropped."""
        with self._lock:
            return self._purge(self._clock.now())

    def _purge_if_due(self, now: float) -> None:
        if now >= self._next_purge:
            self._purge(now)

    def _purge(self, now: float) -> int:
        horizon = now - self._ttl
        stale = [key for key, record in self._records.items() if record.expires_at < horizon]
        for key in stale:
            del self._records[key]
        self._next_purge = now + min(self._ttl, 60)
        return len(stale)
