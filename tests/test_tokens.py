"""The token store on its own: no Flask, a manual clock."""

from __future__ import annotations

import pytest

from mockserver import ManualClock
from mockserver.tokens import TokenProblem, TokenRejected, TokenStore, token_key


def test_tokens_are_kept_hashed() -> None:
    store = TokenStore(ManualClock(), ttl=60)
    issued = store.issue("demo", {"a"})
    assert issued.access_token not in repr(store.__dict__)
    assert token_key(issued.access_token) in store._records


@pytest.mark.parametrize(
    ("advance", "problem"),
    [(60, TokenProblem.EXPIRED), (120, TokenProblem.EXPIRED), (121, TokenProblem.UNKNOWN)],
)
def test_expired_tokens_are_told_apart_until_purged(advance: int, problem: TokenProblem) -> None:
    clock = ManualClock()
    store = TokenStore(clock, ttl=60)
    token = store.issue("demo", ()).access_token
    clock.advance(advance)
    store.purge()
    with pytest.raises(TokenRejected) as rejected:
        store.authenticate(token)
    assert rejected.value.problem is problem


def test_issuing_purges_stale_records_so_memory_stays_flat() -> None:
    clock = ManualClock()
    store = TokenStore(clock, ttl=60)
    for _ in range(1000):
        store.issue("demo", ())
        clock.advance(1)
    assert len(store) <= 60 + 60 + 60
