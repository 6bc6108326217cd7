"""Issue, authenticate and revoke opaque expiring tokens. Knows nothing of HTTP; reads the clock.

A token is 256 random bits plus its user and lifetime, sealed with a MAC under the mock's
signing key: keyed BLAKE2b (RFC 7693 §2.5 makes it a MAC), which costs a third of HMAC-SHA256
through OpenSSL on every issued and every checked token. Any worker holding the key can check
one without a shared table, nothing is stored per token (so memory stays flat however many are
issued), and a reset changes the key, which makes every earlier token unknown. Only revocations
are stored: a token's as its SHA-256 hash, a user's as an epoch that every token carries, so that
a revocation holds however the clock is moved afterwards. Expiry is decided against the clock
alone: set back, it makes an expired token valid again, as it would on a platform whose clock
went back.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import re
import secrets
import struct
from dataclasses import dataclass, field

from ..store import Document
from .clock import Clock
from .errors import OAuthError
from .redaction import redact_token
from .shared import SharedDocument

__all__ = [
    "MAX_REVOKED_TOKENS",
    "MAX_REVOKED_USERS",
    "IssuedToken",
    "TokenAuthority",
    "TokenClaims",
    "TokenProblem",
    "TokenRejected",
    "issued_record",
    "token_key",
]

RANDOM_BYTES = 32  # 256 bits from secrets
MAC_BYTES = 16  # BLAKE2b with a 128-bit output
_HEADER = struct.Struct(">BddI")  # version, issued_at, expires_at, the user's revocation epoch
_VERSION = 3  # 3: BLAKE2b; 2 was HMAC-SHA256
_MAX_TOKEN_CHARS = 2048  # a username of 256 four-byte characters still fits
# The shared document is copied by every worker when it changes: what the control API adds is capped
# (409 past a cap, until a reset), never forgotten, since a forgotten revocation revives its token.
MAX_REVOKED_TOKENS = 10_000
MAX_REVOKED_USERS = 1_000
# Tokens whose seal was checked, kept per signing key with what the check found: a load test sends
# the same few tokens again and again, and decoding and checking one was a third of a GET /me.
# Past this many the cache starts afresh, so no client can make it grow.
MAX_CHECKED_TOKENS = 1024
_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


class TokenProblem(enum.Enum):
    UNKNOWN = "the access token is not known"
    EXPIRED = "the access token has expired"
    REVOKED = "the access token has been revoked"
    USER_GONE = "the access token's user no longer exists or is disabled"


class TokenRejected(Exception):
    def __init__(self, problem: TokenProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: whose it is and when it lives."""

    username: str
    issued_at: float
    expires_at: float
    epoch: int = 0  # how many times the user's tokens had been revoked when this one was issued


@dataclass(frozen=True)
class IssuedToken:
    access_token: str = field(repr=False)
    expires_in: int
    claims: TokenClaims


def token_key(token: str) -> str:
    """Revocations are kept as hashes, so no dump of the state reveals a usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issued_record(issued: IssuedToken) -> dict[str, str | float | int]:
    """What the journal keeps of an issued token: its hash as `id`, a short prefix, its claims.

    Never the token: the hash is the key revocations are stored under, and no use as a credential.
    """
    claims = issued.claims
    return {
        "id": token_key(issued.access_token),
        "prefix": redact_token(issued.access_token),
        "username": claims.username,
        "issued_at": claims.issued_at,
        "expires_at": claims.expires_at,
        "epoch": claims.epoch,
    }


class TokenAuthority:
    def __init__(self, clock: Clock, ttl: int, shared: SharedDocument) -> None:
        self._clock = clock
        self._ttl = ttl
        self._shared = shared
        # (signing key, token: its claims or None): replaced whole when the key changes, so an
        # entry is only ever read under the key it was checked with, whatever the threads do
        self._checked: tuple[bytes, dict[str, TokenClaims | None]] = (b"", {})

    def issue(self, username: str) -> IssuedToken:
        now = self._clock.now()
        snapshot = self._shared.view()
        claims = TokenClaims(username, now, now + self._ttl, snapshot.revoked_users.get(username, 0))
        payload = (
            secrets.token_bytes(RANDOM_BYTES)  # first, so tokens differ from their first character
            + _HEADER.pack(_VERSION, claims.issued_at, claims.expires_at, claims.epoch)
            + username.encode()
        )
        token = _encode(payload + _mac(snapshot.key, payload))
        return IssuedToken(token, self._ttl, claims)

    def authenticate(self, token: str) -> TokenClaims:
        snapshot = self._shared.view()
        claims = self._unsealed(token, snapshot.key)
        if claims is None:
            raise TokenRejected(TokenProblem.UNKNOWN)
        if claims.epoch < snapshot.revoked_users.get(claims.username, 0) or (
            snapshot.revoked_tokens and token_key(token) in snapshot.revoked_tokens
        ):
            raise TokenRejected(TokenProblem.REVOKED)
        if self._clock.now() >= claims.expires_at:
            raise TokenRejected(TokenProblem.EXPIRED)
        return claims

    def _unsealed(self, token: str, key: bytes) -> TokenClaims | None:
        """`_unseal(token, key)`, remembered for the newest key (`MAX_CHECKED_TOKENS`)."""
        checked_key, checked = self._checked
        if checked_key != key:
            checked = {}
            self._checked = (key, checked)
        try:
            return checked[token]
        except KeyError:
            pass
        claims = _unseal(token, key)
        if len(checked) >= MAX_CHECKED_TOKENS:
            checked.clear()
        checked[token] = claims
        return claims

    def revoke(self, token: str) -> bool:
        """Revoke one token of this mock, expired or not; False if it is unknown or already revoked.

        An expired token is revoked too: a clock set back would revive it otherwise. Kept until a
        reset, however the clock moves; past MAX_REVOKED_TOKENS, 409 rather than forgetting one.
        """
        claims = _unseal(token, self._shared.view().key)
        if claims is None:
            return False
        return self.revoke_key(token_key(token), claims)

    def revoke_key(self, key: str, claims: TokenClaims) -> bool:
        """`revoke` of the token whose hash is `key` and whose claims are these (from `issued_record`)."""
        if claims.epoch < self._shared.view().revoked_users.get(claims.username, 0):
            return False

        def add(document: Document) -> bool:
            revoked = document["revoked_tokens"]
            if key in revoked:
                return False
            if len(revoked) >= MAX_REVOKED_TOKENS:
                raise OAuthError.full("revoked tokens", MAX_REVOKED_TOKENS)
            revoked[key] = claims.expires_at
            return True

        return self._shared.update(add)

    def revoke_user(self, username: str) -> None:
        """Every token of the user issued up to now is revoked; later logins work again.

        By epoch rather than by time, so that a clock set back afterwards neither revives the
        revoked tokens nor refuses the new ones.
        """

        def next_epoch(document: Document) -> None:
            epochs = document["revoked_users"]
            if username not in epochs and len(epochs) >= MAX_REVOKED_USERS:
                raise OAuthError.full("usernames with revoked tokens", MAX_REVOKED_USERS)
            epochs[username] = epochs.get(username, 0) + 1

        self._shared.update(next_epoch)

    def state_of(self, key: str, claims: TokenClaims) -> str:
        """`revoked`, `expired` or `live`: what `authenticate` would say of that token now."""
        snapshot = self._shared.view()
        if claims.epoch < snapshot.revoked_users.get(claims.username, 0) or key in snapshot.revoked_tokens:
            return "revoked"
        return "expired" if self._clock.now() >= claims.expires_at else "live"


def _mac(key: bytes, payload: bytes) -> bytes:
    return hashlib.blake2b(payload, key=key, digest_size=MAC_BYTES).digest()


def _decode(token: str) -> bytes | None:
    """Strict: only the exact string the mock issued decodes (no stray, padding or spare bits)."""
    if len(token) > _MAX_TOKEN_CHARS or not _URLSAFE.fullmatch(token):
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if _encode(raw) == token else None


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unseal(token: str, key: bytes) -> TokenClaims | None:
    raw = _decode(token)
    if raw is None:
        return None
    payload, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
    if len(payload) < _HEADER.size + RANDOM_BYTES:
        return None
    if not hmac.compare_digest(mac, _mac(key, payload)):
        return None
    version, issued_at, expires_at, epoch = _HEADER.unpack_from(payload, RANDOM_BYTES)
    if version != _VERSION:
        return None
    try:
        username = payload[RANDOM_BYTES + _HEADER.size :].decode()
    except UnicodeDecodeError:
        return None
    return TokenClaims(username, issued_at, expires_at, epoch)
