"""Load, bounded: 16 threads of issue-then-use cycles against the served mock, zero errors.

`make test` runs 60 cycles a thread (960 tokens across granian's workers: the same claims); the
`soak` size, 500 a thread, runs in `make fuzz`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ..conftest import DEMO
from ..processes import TIMEOUT, mock_process

pytestmark = pytest.mark.processes  # every test here starts a process

THREADS = 16


def cycles(url: str, count: int) -> list[str]:
    """Issue a token and use it at once, `count` times; every answer must be the right one."""
    tokens = []
    with requests.Session() as session:
        for _ in range(count):
            issued = session.post(
                f"{url}/authorization", data={"username": DEMO[0], "password": DEMO[1]}, timeout=TIMEOUT
            )
            assert issued.status_code == 200
            token = issued.json()["access_token"]
            used = session.get(f"{url}/me", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
            assert used.status_code == 200
            tokens.append(token)
    return tokens


def refused(url: str, tokens: list[str]) -> int:
    with requests.Session() as session:
        statuses = [
            session.get(
                f"{url}/me", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
            ).status_code
            for token in tokens
        ]
    return statuses.count(401)


@pytest.mark.parametrize("count", [60, pytest.param(500, marks=pytest.mark.soak)], ids=["test", "soak"])
def test_every_token_is_accepted_under_load_then_refused_after_a_clock_move(count: int) -> None:
    with mock_process("--quiet") as mock, ThreadPoolExecutor(THREADS) as pool:
        batches = list(pool.map(cycles, [mock.url] * THREADS, [count] * THREADS))
        tokens = [token for batch in batches for token in batch]
        assert len(set(tokens)) == THREADS * count
        moved = requests.post(f"{mock.url}/_mock/clock", json={"advance": 3600}, timeout=TIMEOUT)
        assert moved.status_code == 200
        assert sum(pool.map(refused, [mock.url] * THREADS, batches)) == THREADS * count
