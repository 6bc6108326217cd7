"""The control API's guard and the optional lockout after wrong passwords."""

from __future__ import annotations

import pytest
from flask import Flask

from mockserver import ManualClock, OAuthError, Settings
from mockserver.core import lockout
from mockserver.core.lockout import Lockout
from mockserver.core.shared import SharedState, initial_document
from mockserver.store.memory import MemoryBackend

from .conftest import DEMO, login
from .transport import TestClientTransport, Transport

CONTROL_TOKEN = "a-long-control-token-0123456789"


def test_the_control_api_refuses_clients_outside_loopback(app: Flask) -> None:
    client = app.test_client()
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    refused = client.get("/_mock/clock", environ_base=remote)
    assert refused.status_code == 403
    assert "--control-token" in refused.get_json()["error_description"]
    assert client.get("/_mock/clock", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert (
        client.post(
            "/authorization", data=dict(zip(("username", "password"), DEMO, strict=True)), environ_base=remote
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "settings", [Settings(control_token=CONTROL_TOKEN, log_requests=False)], ids=["control-token"]
)
def test_a_control_token_is_required_as_a_bearer_token_from_anywhere(app: Flask, settings: Settings) -> None:
    client = app.test_client()
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/_mock/clock").status_code == 401
    wrong = client.get("/_mock/clock", headers={"Authorization": "Bearer wrong-token-xxxxxxxxxx"})
    assert (wrong.status_code, wrong.get_json()["error"]) == (401, "invalid_token")
    good = {"Authorization": f"Bearer {CONTROL_TOKEN}"}
    assert client.get("/_mock/clock", headers=good, environ_base=remote).status_code == 200


def test_the_control_token_never_shows_in_the_settings_repr() -> None:
    assert CONTROL_TOKEN not in repr(Settings(control_token=CONTROL_TOKEN))


LOCKOUT = Settings(lockout_after=3, lockout_seconds=60, log_requests=False)


def attempt(api: Transport, username: str, password: str) -> int:
    return api.request("POST", "/authorization", data={"username": username, "password": password}).status


@pytest.mark.parametrize("settings", [LOCKOUT], ids=["lockout-3"])
def test_a_lockout_answers_429_with_retry_after_until_it_ends(
    api: Transport, clock: ManualClock, settings: Settings
) -> None:
    assert [attempt(api, "demo", "wrong") for _ in range(3)] == [400, 400, 400]
    locked = api.request("POST", "/authorization", data={"username": "demo", "password": DEMO[1]})
    assert locked.status == 429
    assert locked.header("Retry-After") == "60"
    assert locked.body["error"] == "too_many_attempts"
    assert attempt(api, "viewer", "viewer-password") == 200  # other users are not affected
    clock.advance(45)
    assert attempt(api, "demo", DEMO[1]) == 429
    clock.advance(15)
    login(api)
    assert attempt(api, "demo", "wrong") == 400  # a success clears the count


@pytest.mark.parametrize("settings", [LOCKOUT], ids=["lockout-3"])
def test_unknown_users_are_locked_out_alike(api: Transport, settings: Settings) -> None:
    """Otherwise the lockout would tell which usernames exist."""
    assert [attempt(api, "nobody", "x") for _ in range(4)] == [400, 400, 400, 429]


def test_there_is_no_lockout_by_default(app: Flask) -> None:
    api = TestClientTransport(app.test_client())
    assert {attempt(api, "demo", "wrong") for _ in range(10)} == {400}
    login(api)


def test_the_lockout_forgets_stale_and_oldest_usernames(monkeypatch: pytest.MonkeyPatch) -> None:
    """A spray of wrong logins under new names must not grow the state every request copies."""
    monkeypatch.setattr(lockout, "MAX_TRACKED_USERNAMES", 5)
    clock = ManualClock()
    shared = SharedState(MemoryBackend(initial_document, journal_size=10))
    guard = Lockout(shared, clock, after=2, seconds=60)
    guard.failed("demo")
    guard.failed("demo")
    for index in range(3):
        clock.advance(1)
        guard.failed(f"sprayed-{index}")
    with pytest.raises(OAuthError):
        guard.check("demo")  # locked, and kept while there is room
    for index in range(3, 10):
        clock.advance(1)
        guard.failed(f"sprayed-{index}")
    assert set(shared.view().failures) == {f"sprayed-{index}" for index in range(5, 10)}
    clock.advance(60)
    guard.failed("late")
    assert set(shared.view().failures) == {"late"}
