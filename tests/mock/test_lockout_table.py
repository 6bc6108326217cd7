"""A full failure table gives no oracle: while it is full of live names, a name it does not hold
cannot log in at all, so 429 never means "wrong password" next to a 200 for the right one; a name it
holds keeps its count. Over real sockets, the clock moved rather than waited for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from mockserver import ManualClock, MockServer, Settings, create_app
from mockserver.core.lockout import MAX_TRACKED_USERNAMES, failure_key

from ..processes import TIMEOUT

AFTER, SECONDS = 5, 300
RIGHT = {"username": "demo", "password": "demo-password"}
WRONG = {"username": "demo", "password": "not-it"}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def server(clock: ManualClock) -> Iterator[MockServer]:
    settings = Settings(log_requests=False, lockout_after=AFTER, lockout_seconds=SECONDS)
    with MockServer(app=create_app(settings, clock=clock)) as running:
        yield running


@pytest.fixture
def session(server: MockServer) -> Iterator[tuple[requests.Session, str]]:
    with requests.Session() as client:
        yield client, server.url_for("/authorization")


def post(session: tuple[requests.Session, str], form: dict[str, str]) -> requests.Response:
    client, url = session
    return client.post(url, data=form, timeout=TIMEOUT)


def fill_the_table(session: tuple[requests.Session, str]) -> None:
    """1,100 wrong logins under other names: the table holds 1,000 and refuses the rest."""
    statuses = [post(session, {"username": f"spray-{n}", "password": "x"}).status_code for n in range(1_100)]
    assert statuses.count(400) == MAX_TRACKED_USERNAMES
    assert statuses.count(429) == 100


def test_a_full_table_gives_no_oracle_for_a_name_it_does_not_hold(
    session: tuple[requests.Session, str], clock: ManualClock
) -> None:
    fill_the_table(session)
    wrong, right = post(session, WRONG), post(session, RIGHT)
    assert wrong.status_code == right.status_code == 429
    assert wrong.json() == right.json()
    assert "access_token" not in right.text
    assert 0 < int(right.headers["Retry-After"]) <= SECONDS
    clock.advance(SECONDS)  # the spray's names are stale: the table has room again
    assert post(session, RIGHT).status_code == 200


def test_a_name_the_table_holds_keeps_its_count_while_it_is_full(
    session: tuple[requests.Session, str], server: MockServer, clock: ManualClock
) -> None:
    for _ in range(AFTER - 1):
        assert post(session, WRONG).status_code == 400
    others = {failure_key(f"spray-{n}"): (1, clock.now()) for n in range(MAX_TRACKED_USERNAMES - 1)}
    server.state.shared.update(lambda document: document["failures"].update(others))  # full now
    assert post(session, {"username": "spray-new", "password": "x"}).status_code == 429
    assert post(session, WRONG).status_code == 400  # the last guess it is allowed, counted
    assert post(session, RIGHT).status_code == 429  # locked: the right password is not told apart
