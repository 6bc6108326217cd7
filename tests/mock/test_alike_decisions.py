"""A request that looks like one already decided gets that decision again, while it holds: the same
state, no fault in force, and the clock before the token's expiry. Every such request is still
journaled and logged as its own."""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver import ManualClock, Settings, create_app
from mockserver.core.state import MockState

from .test_request_pipeline import FORM, counting

TTL = 600


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_000_000.0)


@pytest.fixture
def served(clock: ManualClock) -> tuple[Flask, MockState, FlaskClient]:
    app = create_app(Settings(log_requests=False, token_ttl=TTL), clock=clock)
    return app, app.extensions["mockserver"], app.test_client()


def bearer(client: FlaskClient, **form: str) -> dict[str, str]:
    token = client.post("/authorization", data={**FORM, **form}).get_json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def control(client: FlaskClient, method: str, path: str, body: dict[str, Any] | None = None) -> None:
    reply = client.open(f"/_mock/{path}", method=method, json=body or {})
    assert reply.status_code < 300, reply.get_data(as_text=True)


def test_look_alikes_are_decided_once_and_each_is_journaled(
    served: tuple[Flask, MockState, FlaskClient],
) -> None:
    _, mock, client = served
    headers = bearer(client)
    first = client.get("/me", headers=headers)
    checked = counting(mock.tokens, "authenticate")
    again = [client.get("/me", headers=headers) for _ in range(5)]
    assert checked == []
    assert {(reply.status_code, reply.get_data()) for reply in again} == {(200, first.get_data())}
    assert all(reply.headers == first.headers for reply in again)
    entries = [entry for entry in mock.journal.entries() if entry.path == "/me"]
    assert [entry.status for entry in entries] == [200] * 6
    assert (
        entries[-1].headers["Authorization"]
        == entries[0].headers["Authorization"]
        != headers["Authorization"]
    )


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda client, headers: control(
                client, "POST", "revoke", {"token": headers["Authorization"][7:]}
            ),
            "revoked",
        ),
        (lambda client, headers: control(client, "POST", "revoke", {"username": "demo"}), "revoked"),
        (lambda client, headers: control(client, "POST", "clock", {"advance": TTL}), "expired"),
        (lambda client, headers: control(client, "POST", "reset"), "not known"),
    ],
    ids=["token revoked", "user revoked", "clock advanced", "reset"],
)
def test_a_change_of_state_decides_afresh(
    served: tuple[Flask, MockState, FlaskClient], change: Any, error: str
) -> None:
    _, _, client = served
    headers = bearer(client)
    for _ in range(2):
        assert client.get("/me", headers=headers).status_code == 200
    change(client, headers)
    refused = client.get("/me", headers=headers)
    assert refused.status_code == 401
    assert error in refused.headers["WWW-Authenticate"]


def test_a_token_expiring_as_time_passes_is_refused_without_any_change_of_state(
    served: tuple[Flask, MockState, FlaskClient], clock: ManualClock
) -> None:
    _, mock, client = served
    headers = bearer(client)
    assert client.get("/me", headers=headers).status_code == 200
    generation = mock.shared.backend.generation()
    clock.advance(TTL)  # this mock's own clock: no control call, the state unchanged
    assert mock.shared.backend.generation() == generation
    assert client.get("/me", headers=headers).status_code == 401


def test_an_expiry_is_decided_afresh_every_time(
    served: tuple[Flask, MockState, FlaskClient], clock: ManualClock
) -> None:
    _, mock, client = served
    headers = bearer(client)
    clock.advance(TTL)
    checked = counting(mock.tokens, "authenticate")
    assert [client.get("/me", headers=headers).status_code for _ in range(3)] == [401] * 3
    assert len(checked) == 3


def test_refusals_that_last_are_remembered(served: tuple[Flask, MockState, FlaskClient]) -> None:
    _, mock, client = served
    client.get("/me")  # the host's binding cached
    checked = counting(mock.tokens, "authenticate")
    unknown = {"Authorization": "Bearer unknown"}
    replies = [client.get("/me", headers=unknown) for _ in range(3)]
    assert [reply.status_code for reply in replies] == [401] * 3
    assert len(checked) == 1
    assert [client.get("/me").status_code for _ in range(2)] == [401, 401]  # no header at all


def test_a_fault_holds_from_the_next_request_and_nothing_is_remembered_under_it(
    served: tuple[Flask, MockState, FlaskClient],
) -> None:
    _, _mock, client = served
    headers = bearer(client)
    assert client.get("/me", headers=headers).status_code == 200
    control(client, "POST", "faults", {"path": "/me", "status": 503, "probability": 0.5})
    statuses = [client.get("/me", headers=headers).status_code for _ in range(60)]
    assert set(statuses) == {200, 503}
    assert 10 <= statuses.count(503) <= 50  # decided at every request, not stuck on a remembered 200


def test_each_header_value_method_and_host_is_its_own_look(
    served: tuple[Flask, MockState, FlaskClient],
) -> None:
    _, _mock, client = served
    headers = bearer(client)
    other = bearer(client, username="viewer", password="viewer-password")
    assert client.get("/me", headers=headers).get_json()["username"] == "demo"
    assert client.get("/me", headers=other).get_json()["username"] == "viewer"
    assert client.head("/me", headers=headers).get_data() == b""
    assert client.get("/me", headers={**headers, "X-Request-Id": "1"}).status_code == 200
    assert (
        client.get("/me", headers=headers, base_url="http://elsewhere.test").get_json()["username"] == "demo"
    )


def test_an_unexpected_failure_is_not_remembered(served: tuple[Flask, MockState, FlaskClient]) -> None:
    _, mock, client = served
    headers = bearer(client)
    original = mock.users.get
    mock.users.get = lambda name: 1 / 0  # type: ignore[method-assign]
    assert client.get("/me", headers=headers).status_code == 500
    mock.users.get = original  # type: ignore[method-assign]
    assert client.get("/me", headers=headers).status_code == 200


def test_the_decisions_remembered_stay_bounded(served: tuple[Flask, MockState, FlaskClient]) -> None:
    app, _, client = served
    from mockserver.http.pipeline import MAX_DECIDED, RequestPipeline

    pipeline = app.wsgi_app
    assert isinstance(pipeline, RequestPipeline)
    for index in range(MAX_DECIDED + 10):
        client.get("/me", headers={"Authorization": f"Bearer unknown-{index}"})
    assert 0 < len(pipeline._decided) <= MAX_DECIDED


def test_each_look_alike_gets_its_own_log_line(caplog: pytest.LogCaptureFixture, clock: ManualClock) -> None:
    app = create_app(Settings(token_ttl=TTL), clock=clock)
    client = app.test_client()
    headers = bearer(client)
    with caplog.at_level("INFO", logger="mockserver"):
        for _ in range(3):
            client.get("/me?a=1", headers=headers)
    lines = [record.getMessage() for record in caplog.records if record.name == "mockserver"]
    assert len(lines) == 3
    assert all(line.startswith("GET /me?a=1 200 ") for line in lines)


def test_a_store_failing_under_a_remembered_decision_answers_500_then_recovers(
    served: tuple[Flask, MockState, FlaskClient],
) -> None:
    _, mock, client = served
    headers = bearer(client)
    assert client.get("/me", headers=headers).status_code == 200
    record = mock.journal.record

    def broken(now: float, entry: object) -> None:
        raise OSError("the store is gone")

    mock.journal.record = broken  # type: ignore[method-assign]
    failed = client.get("/me", headers=headers)
    assert (failed.status_code, failed.get_json()["error"]) == (500, "internal_server_error")
    mock.journal.record = record  # type: ignore[method-assign]
    assert client.get("/me", headers=headers).status_code == 200


@pytest.mark.processes
def test_a_forked_worker_starts_with_no_decision(served: tuple[Flask, MockState, FlaskClient]) -> None:
    app, _, client = served
    client.get("/me", headers=bearer(client))
    assert app.wsgi_app._decided  # type: ignore[attr-defined]
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child reports how many decisions it holds, and nothing else
        os.write(write, str(len(app.wsgi_app._decided)).encode())  # type: ignore[attr-defined]
        os._exit(0)
    os.close(write)
    reported = os.read(read, 16)
    os.close(read)
    os.waitpid(child, 0)
    assert reported == b"0"
