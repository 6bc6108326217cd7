"""The control API under /_mock/: clock, revocation, users, journal, reset."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask import Flask

from mockserver import ManualClock, MockServer, Settings, create_app
from mockserver.core import faults, tokens, users

from ..conftest import DEMO, bearer, login
from ..transport import TestClientTransport, Transport

TIMEOUT = 5


def test_the_clock_is_read_and_moved(api: Transport, clock: ManualClock) -> None:
    start = api.request("GET", "/_mock/clock").body["now"]
    assert start == clock.now()
    moved = api.request("POST", "/_mock/clock", json={"advance": 120})
    assert moved.status == 200
    assert moved.body["now"] == start + 120
    assert api.request("POST", "/_mock/clock", json={"set": 2_000_000_000}).body["now"] == 2_000_000_000
    assert api.request("GET", "/_mock/clock").body["iso"].startswith("2033-05-18T03:33:20")


def test_moving_the_clock_over_http_expires_tokens(api: Transport) -> None:
    token = login(api)
    api.request("POST", "/_mock/clock", json={"advance": 3600})
    assert api.request("GET", "/me", headers=bearer(token)).status == 401


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="empty"),
        pytest.param({"advance": -5}, id="backwards"),
        pytest.param({"advance": "soon"}, id="string"),
        pytest.param({"advance": 1, "set": 5}, id="both"),
        pytest.param({"rewind": 5}, id="unknown-field"),
        pytest.param([1], id="array"),
    ],
)
def test_bad_clock_bodies_are_400(api: Transport, body: object) -> None:
    reply = api.request("POST", "/_mock/clock", json=body)
    assert reply.status == 400
    assert reply.body["error"] == "invalid_request"


def test_a_clock_body_must_be_json(api: Transport) -> None:
    reply = api.request("POST", "/_mock/clock", data="advance=5")
    assert reply.status == 400
    assert "JSON object" in reply.body["error_description"]


def test_one_token_or_all_of_a_users_tokens_are_revoked(api: Transport) -> None:
    first, second, viewer = login(api), login(api), login(api, "viewer", "viewer-password")
    assert api.request("POST", "/_mock/revoke", json={"token": first}).body == {"revoked": 1}
    assert api.request("POST", "/_mock/revoke", json={"token": first}).body == {"revoked": 0}
    assert api.request("GET", "/me", headers=bearer(first)).status == 401
    assert api.request("GET", "/me", headers=bearer(second)).status == 200
    assert api.request("POST", "/_mock/revoke", json={"username": "demo"}).body == {"revoked": 1}
    assert api.request("GET", "/me", headers=bearer(second)).status == 401
    assert api.request("GET", "/me", headers=bearer(viewer)).status == 200


def test_a_clock_set_back_after_revocations_keeps_them_and_lets_new_logins_in(api: Transport) -> None:
    start = api.request("GET", "/_mock/clock").body["now"]
    revoked = login(api)
    api.request("POST", "/_mock/revoke", json={"token": revoked})
    api.request("POST", "/_mock/clock", json={"advance": 7200})
    api.request("POST", "/_mock/revoke", json={"token": login(api, "viewer", "viewer-password")})
    assert api.request("POST", "/_mock/clock", json={"set": start}).status == 200
    assert api.request("GET", "/me", headers=bearer(revoked)).status == 401
    for user in (("demo", "demo-password"), ("viewer", "viewer-password")):
        assert api.request("GET", "/me", headers=bearer(login(api, *user))).status == 200


def test_users_are_listed_without_passwords_and_added(api: Transport) -> None:
    listed = api.request("GET", "/_mock/users")
    assert [user["username"] for user in listed.body["users"]] == ["demo", "retired", "viewer"]
    assert "password" not in listed.text
    added = api.request(
        "POST",
        "/_mock/users",
        json={"username": "ann", "password": "s3cret-pw", "permissions": ["payments:read"]},
    )
    assert added.status == 201
    assert added.body == {"username": "ann", "permissions": ["payments:read"], "disabled": False}
    token = login(api, "ann", "s3cret-pw")
    assert api.request("GET", "/payments", headers=bearer(token)).status == 200
    assert api.request("GET", "/accounts", headers=bearer(token)).status == 403


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"username": "ann"}, id="no-password"),
        pytest.param({"username": "", "password": "x"}, id="empty-name"),
        pytest.param({"username": "ann", "password": "x", "permissions": "all"}, id="permissions-string"),
        pytest.param({"username": "ann", "password": "x", "admin": True}, id="unknown-field"),
        # Python's $ matches before a final newline: such a user could never log in
        pytest.param({"username": "ann", "password": "pw\n"}, id="password-ending-in-newline"),
        pytest.param({"username": "ann\n", "password": "pw"}, id="username-ending-in-newline"),
    ],
)
def test_bad_user_bodies_are_400(api: Transport, body: dict) -> None:
    reply = api.request("POST", "/_mock/users", json=body)
    assert reply.status == 400
    assert reply.body["error"] == "invalid_request"


def test_control_errors_name_the_schema_bound_without_quoting_the_value(api: Transport) -> None:
    reply = api.request("POST", "/_mock/faults", json={"status": 2})
    assert reply.status == 400
    assert reply.body["error_description"] == "status: the value is less than the minimum of 200"


def test_fake_users_are_the_same_on_every_run_and_can_log_in() -> None:
    def usernames(seed: int) -> list[str]:
        app = create_app(Settings(fake_users=5, seed=seed, log_requests=False))
        users = app.test_client().get("/_mock/users").get_json()["users"]
        return [user["username"] for user in users]

    first = usernames(7)
    assert len(first) == 3 + 5
    assert usernames(7) == first
    assert usernames(8) != first
    api = TestClientTransport(create_app(Settings(fake_users=5, seed=7, log_requests=False)).test_client())
    fake = next(name for name in first if name not in {"demo", "viewer", "retired"})
    login(api, fake, f"{fake}-password")


def test_the_journal_records_requests_with_secrets_redacted(api: Transport) -> None:
    token = login(api)
    api.request("GET", "/me", headers=bearer(token))
    api.request("POST", "/authorization", params={"username": "demo", "password": DEMO[1]})
    journal = api.request("GET", "/_mock/requests")
    entries = journal.body["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", "/authorization", 200),
        ("GET", "/me", 200),
        ("POST", "/authorization", 200),
    ]
    assert entries[0]["form"] == {"username": "demo", "password": "***"}
    assert entries[1]["headers"]["Authorization"] == f"Bearer {token[:4]}…({len(token)} chars)"
    assert entries[2]["query"] == "username=demo&password=***"
    assert DEMO[1] not in journal.text
    assert token not in journal.text


def test_the_journal_is_cleared(api: Transport) -> None:
    login(api)
    assert api.request("DELETE", "/_mock/requests", json={}).status == 204
    assert api.request("GET", "/_mock/requests").body == {"requests": []}


def test_reset_restores_the_starting_state(api: Transport, clock: ManualClock) -> None:
    start = clock.now()
    token = login(api)
    api.request("POST", "/_mock/users", json={"username": "ann", "password": "pw"})
    api.request("POST", "/_mock/clock", json={"advance": 10})
    assert api.request("POST", "/_mock/reset", json={}).status == 204
    assert clock.now() == start
    assert api.request("GET", "/me", headers=bearer(token)).body["error_description"] == (
        "the access token is not known"
    )
    assert "ann" not in api.request("GET", "/_mock/users").text
    assert [e["path"] for e in api.request("GET", "/_mock/requests").body["requests"]] == ["/me"]


@pytest.mark.parametrize("settings", [Settings(control=False, log_requests=False)], ids=["no-control"])
def test_the_control_api_can_be_switched_off(app: Flask, settings: Settings) -> None:
    client = app.test_client()
    assert client.get("/_mock/clock").status_code == 404
    assert client.post("/_mock/reset").status_code == 404


def test_an_expired_token_can_be_revoked_and_stays_revoked_when_the_clock_goes_back(api: Transport) -> None:
    start = api.request("GET", "/_mock/clock").body["now"]
    token = login(api)
    api.request("POST", "/_mock/clock", json={"advance": 3601})
    assert api.request("POST", "/_mock/revoke", json={"token": token}).body == {"revoked": True}
    assert api.request("POST", "/_mock/revoke", json={"token": token}).body == {"revoked": False}
    assert api.request("POST", "/_mock/clock", json={"set": start}).status == 200
    refused = api.request("GET", "/me", headers=bearer(token))
    assert refused.status == 401
    assert refused.body["error_description"] == "the access token has been revoked"
    assert api.request("POST", "/_mock/revoke", json={"token": "not-a-token-of-this-mock"}).body == {
        "revoked": False
    }


CAPPED = [
    pytest.param(
        faults, "MAX_FAULTS", "/_mock/faults", lambda i: {"path": f"/nowhere/{i}", "status": 503}, id="faults"
    ),
    pytest.param(
        users,
        "MAX_ADDED_USERS",
        "/_mock/users",
        lambda i: {"username": f"user-{i}", "password": "pw"},
        id="users",
    ),
    pytest.param(
        tokens, "MAX_REVOKED_USERS", "/_mock/revoke", lambda i: {"username": f"user-{i}"}, id="revoked-users"
    ),
]


@pytest.mark.parametrize(("module", "cap", "path", "body"), CAPPED)
def test_what_the_control_api_adds_is_capped_with_409(
    server: MockServer, monkeypatch: pytest.MonkeyPatch, module: object, cap: str, path: str, body: Any
) -> None:
    """Each addition is copied into the document every worker reads: past the cap, 409 until a reset."""
    monkeypatch.setattr(module, cap, 3)
    answers = [requests.post(server.url_for(path), json=body(i), timeout=TIMEOUT) for i in range(4)]
    assert [answer.status_code < 300 for answer in answers] == [True, True, True, False]
    assert answers[3].status_code == 409
    assert answers[3].json()["error"] == "conflict"
    assert "at most 3" in answers[3].json()["error_description"]
    if path != "/_mock/faults":  # the same name again takes no room
        assert requests.post(server.url_for(path), json=body(0), timeout=TIMEOUT).status_code < 300
    assert requests.post(server.url_for("/_mock/reset"), json={}, timeout=TIMEOUT).status_code == 204
    assert requests.post(server.url_for(path), json=body(3), timeout=TIMEOUT).status_code < 300
