"""The control API's guard and the optional lockout after wrong passwords."""

from __future__ import annotations

import json

import pytest
import requests
from flask import Flask

from mockserver import ManualClock, MockServer, OAuthError, Settings
from mockserver.core import lockout
from mockserver.core.lockout import Lockout, failure_key
from mockserver.core.shared import SharedDocument, initial_document
from mockserver.store.memory import MemoryBackend

from ..conftest import DEMO, login
from ..transport import TestClientTransport, Transport

CONTROL_TOKEN = "a-long-control-token-0123456789"
TIMEOUT = 5


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


def test_the_lockout_forgets_stale_usernames_and_never_a_live_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A spray of wrong logins under new names must not grow the state every request copies."""
    monkeypatch.setattr(lockout, "MAX_TRACKED_USERNAMES", 5)
    clock = ManualClock()
    shared = SharedDocument(MemoryBackend(initial_document, journal_size=10))
    guard = Lockout(shared, clock, after=2, seconds=60)
    guard.failed("demo")
    guard.failed("demo")
    for index in range(4):
        clock.advance(1)
        guard.failed(f"sprayed-{index}")
    with pytest.raises(OAuthError) as full:
        guard.failed("sprayed-4")  # full of live names: refused, nobody dropped
    assert (full.value.status, full.value.headers["Retry-After"]) == (429, "56")
    with pytest.raises(OAuthError):
        guard.check("demo")  # still locked
    guard.failed("sprayed-0")  # a name in the table is still counted
    clock.advance(57)  # demo's failures are stale now, the sprayed ones are not
    guard.failed("late")
    assert len(shared.view().failures) == 5
    with pytest.raises(OAuthError):
        guard.check("demo")  # unlocked, yet not held while the table is full: its guesses would not count
    clock.advance(60)
    guard.check("demo")  # room again
    guard.failed("later")
    assert set(shared.view().failures) == {failure_key("later")}


def wrong_login(server: MockServer, username: str) -> int:
    body = {"username": username, "password": "wrong"}
    return requests.post(server.url_for("/authorization"), json=body, timeout=TIMEOUT).status_code


@pytest.mark.parametrize("settings", [LOCKOUT], ids=["lockout-3"])
def test_wrong_logins_under_other_names_never_unlock_a_locked_one(
    server: MockServer, clock: ManualClock, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setattr(lockout, "MAX_TRACKED_USERNAMES", 20)
    assert [wrong_login(server, "demo") for _ in range(3)] == [400, 400, 400]
    sprayed = [wrong_login(server, f"sprayed-{index}") for index in range(40)]
    assert sprayed == [400] * 19 + [429] * 21  # the table is full of live names: new ones are refused
    demo = {"username": "demo", "password": DEMO[1]}
    assert requests.post(server.url_for("/authorization"), data=demo, timeout=TIMEOUT).status_code == 429
    viewer = {"username": "viewer", "password": "viewer-password"}  # not held: no login while full
    assert requests.post(server.url_for("/authorization"), data=viewer, timeout=TIMEOUT).status_code == 429
    clock.advance(60)
    assert wrong_login(server, "sprayed-40") == 400  # stale names make room again
    assert requests.post(server.url_for("/authorization"), data=demo, timeout=TIMEOUT).status_code == 200


@pytest.mark.parametrize("settings", [LOCKOUT], ids=["lockout-3"])
def test_long_usernames_do_not_swell_the_shared_state(server: MockServer, settings: Settings) -> None:
    """Every worker re-reads the document when it changes: each failure takes the same room, any name."""
    names = [f"{index:02d}" + "x" * 15_000 for index in range(20)]
    assert {wrong_login(server, name) for name in names} == {400}
    assert wrong_login(server, names[0]) == 400
    _, document = server.state.shared.backend.load()
    assert len(json.dumps(document)) < 5_000
    assert [wrong_login(server, names[0]) for _ in range(2)] == [400, 429]  # still counted by name
