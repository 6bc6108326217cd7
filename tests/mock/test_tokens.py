"""The token authority on its own: no Flask, a manual clock, in-memory shared state."""

from __future__ import annotations

import base64
import tracemalloc

import pytest

from mockserver import ManualClock, OAuthError
from mockserver.core import tokens
from mockserver.core.shared import FORMAT, SharedDocument, initial_document
from mockserver.core.tokens import TokenAuthority, TokenProblem, TokenRejected, token_key
from mockserver.store import EntryContent
from mockserver.store.memory import MemoryBackend


@pytest.fixture
def shared() -> SharedDocument:
    return SharedDocument(MemoryBackend(initial_document, journal_size=10))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def authority(clock: ManualClock, shared: SharedDocument) -> TokenAuthority:
    return TokenAuthority(clock, ttl=60, shared=shared)


def rejected(authority: TokenAuthority, token: str) -> TokenProblem:
    with pytest.raises(TokenRejected) as caught:
        authority.authenticate(token)
    return caught.value.problem


def test_a_token_carries_its_user_and_lifetime(authority: TokenAuthority, clock: ManualClock) -> None:
    issued = authority.issue("demo")
    claims = authority.authenticate(issued.access_token)
    assert (claims.username, claims.issued_at, claims.expires_at) == ("demo", clock.now(), clock.now() + 60)
    assert issued.expires_in == 60


def test_expiry_is_decided_against_the_clock(authority: TokenAuthority, clock: ManualClock) -> None:
    token = authority.issue("demo").access_token
    clock.advance(59.999)
    authority.authenticate(token)
    clock.advance(0.001)
    assert rejected(authority, token) is TokenProblem.EXPIRED


def tamper(token: str) -> list[str]:
    """Strings that differ from a real token in ways a lax decoder would forgive."""
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[20] ^= 1
    flipped = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    last = token[-1]
    spare_bits = token[:-1] + ("A" if last != "A" else "B")
    return [
        flipped,
        token + "=",
        token + ".",
        token.replace("-", "+").replace("_", "/") + "x",
        spare_bits,
        token[:-4],
        "A" * len(token),
    ]


def test_only_the_exact_issued_string_is_accepted(authority: TokenAuthority) -> None:
    token = authority.issue("demo").access_token
    for variant in tamper(token):
        assert variant != token
        assert rejected(authority, variant) is TokenProblem.UNKNOWN, variant


def test_a_new_signing_key_makes_every_earlier_token_unknown(
    authority: TokenAuthority, shared: SharedDocument
) -> None:
    token = authority.issue("demo").access_token
    shared.reset()
    assert rejected(authority, token) is TokenProblem.UNKNOWN
    authority.authenticate(authority.issue("demo").access_token)


def test_one_token_or_all_of_a_users_tokens_are_revoked(
    authority: TokenAuthority, clock: ManualClock
) -> None:
    first, second, other = (authority.issue(name).access_token for name in ("demo", "demo", "viewer"))
    assert authority.revoke(first) is True
    assert authority.revoke(first) is False
    assert rejected(authority, first) is TokenProblem.REVOKED
    authority.authenticate(second)
    authority.revoke_user("demo")
    assert rejected(authority, second) is TokenProblem.REVOKED
    authority.authenticate(other)
    clock.advance(1)
    authority.authenticate(authority.issue("demo").access_token)


def test_revocations_are_kept_as_hashes(authority: TokenAuthority, shared: SharedDocument) -> None:
    token = authority.issue("demo").access_token
    authority.revoke(token)
    assert token not in repr(shared.backend.load())
    assert list(shared.view().revoked_tokens) == [token_key(token)]


def test_revocations_past_the_cap_are_refused_and_none_is_forgotten(
    authority: TokenAuthority, shared: SharedDocument, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forgotten revocation would revive its token once the clock is set back: 409 instead."""
    monkeypatch.setattr(tokens, "MAX_REVOKED_TOKENS", 3)
    monkeypatch.setattr(tokens, "MAX_REVOKED_USERS", 1)
    start = clock.now()
    issued = [authority.issue("demo").access_token for _ in range(4)]
    assert [authority.revoke(token) for token in issued[:3]] == [True, True, True]
    assert authority.revoke(issued[0]) is False  # already revoked: no room needed
    with pytest.raises(OAuthError) as refused:
        authority.revoke(issued[3])
    assert (refused.value.status, refused.value.error) == (409, "conflict")
    clock.set(start - 30)
    assert [rejected(authority, token) for token in issued[:3]] == [TokenProblem.REVOKED] * 3
    authority.revoke_user("demo")
    authority.revoke_user("demo")  # the same name again takes no room
    with pytest.raises(OAuthError, match="at most 1 usernames"):
        authority.revoke_user("viewer")
    assert shared.view().revoked_users == {"demo": 2}


def test_moving_the_clock_back_neither_revives_a_revoked_token_nor_blocks_new_logins(
    authority: TokenAuthority, clock: ManualClock
) -> None:
    start = clock.now()
    revoked, kept = authority.issue("demo").access_token, authority.issue("viewer").access_token
    authority.revoke(revoked)
    clock.advance(61)
    authority.revoke(authority.issue("viewer").access_token)
    assert rejected(authority, kept) is TokenProblem.EXPIRED
    clock.set(start)
    assert rejected(authority, revoked) is TokenProblem.REVOKED
    authority.authenticate(kept)  # expiry is decided against the clock alone
    authority.authenticate(authority.issue("demo").access_token)
    authority.authenticate(authority.issue("viewer").access_token)

    clock.advance(3600)
    before_revocation = authority.issue("demo").access_token
    authority.revoke_user("demo")
    clock.set(start + 10)  # earlier than the revocation
    assert rejected(authority, before_revocation) is TokenProblem.REVOKED
    authority.authenticate(authority.issue("demo").access_token)


def test_a_store_left_by_another_format_is_replaced_at_start() -> None:
    older = {"clock_offset": 5.0, "key": "00" * 32, "revoked_tokens": {}, "revoked_users": {"demo": 1.5}}
    backend = MemoryBackend(lambda: dict(older), journal_size=10)
    backend.append_journal(1, 1.0, EntryContent({"path": "/me"}))
    shared = SharedDocument(backend)
    assert shared.view().revoked_users == {}
    assert shared.view().clock_offset == 0.0
    assert backend.load()[1]["format"] == FORMAT
    assert "revocations_forgotten_until" not in backend.load()[1]
    assert backend.journal() == []
    authority = TokenAuthority(ManualClock(), ttl=60, shared=shared)
    authority.authenticate(authority.issue("demo").access_token)


def test_a_username_of_256_four_byte_characters_gives_a_usable_token(authority: TokenAuthority) -> None:
    username = "\U0001f600" * 256
    claims = authority.authenticate(authority.issue(username).access_token)
    assert claims.username == username


def test_issuing_many_tokens_keeps_memory_flat(authority: TokenAuthority) -> None:
    for _ in range(1000):
        authority.issue("demo")
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(20_000):
        authority.issue("demo")
    growth = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert growth < 100_000, f"{growth} bytes kept after 20,000 tokens"
