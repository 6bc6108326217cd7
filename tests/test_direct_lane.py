"""The direct lane answers a plain GET /me byte for byte as Flask does, and leaves every other
request to Flask: the same status, headers, body, journal entry and log line either way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import Client

from mockserver import ManualClock, Settings
from mockserver.app import REQUEST_LOG_KEY
from mockserver.core.state import MockState
from mockserver.http.direct import DirectLane

TOKEN = "{token}"  # replaced by a fresh valid token in each request's headers
Request = dict[str, Any]  # keyword arguments of werkzeug's Client.open
Setup = Callable[[Flask, MockState, ManualClock], None]


@pytest.fixture
def settings() -> Settings:
    return Settings(log_requests=True)


@pytest.fixture
def lines(app: Flask) -> list[tuple[object, ...]]:
    """The request lines the app writes, without their milliseconds."""
    written: list[tuple[object, ...]] = []
    app.extensions[REQUEST_LOG_KEY] = lambda name, line, fields: written.append(fields[:3])
    return written


def lane_of(app: Flask) -> DirectLane:
    lane = app.wsgi_app
    assert isinstance(lane, DirectLane)
    return lane


def token_of(app: Flask) -> str:
    reply = app.test_client().post("/authorization", data={"username": "demo", "password": "demo-password"})
    return reply.get_json()["access_token"]


def answers(app: Flask, request: Request, lines: list[tuple[object, ...]]) -> dict[str, Any]:
    """One request each way, the direct lane then Flask alone, as what a client and a test see."""
    mock: MockState = app.extensions["mockserver"]
    token = token_of(app)
    headers = {name: value.replace(TOKEN, token) for name, value in request.get("headers", {}).items()}
    seen = {}
    for way, wsgi in (("lane", app), ("flask", lane_of(app).wsgi_app)):
        response = Client(wsgi).open(**{**request, "headers": headers})
        entry = mock.journal.entries()[-1].to_dict()
        seen[way] = (response.status, response.headers.to_wsgi_list(), response.get_data(), entry, lines[-1])
    return seen


def plain(path: str = "/me", **headers: str) -> Request:
    return {"path": path, "method": "GET", "headers": {"Authorization": f"Bearer {TOKEN}", **headers}}


DIRECT = {
    "plain": plain(),
    "query redacted": plain("/me?access_token=secret&x=%C3%A9"),
    "lower-case scheme": {"path": "/me", "headers": {"Authorization": f"bearer {TOKEN}"}},
    "many headers, cut in the journal": plain(**{f"X-Extra-{n}": "v" * 600 for n in range(40)}),
    "another host": plain(Host="LOCALHOST:8080"),
}


@pytest.mark.parametrize("request_", DIRECT.values(), ids=DIRECT.keys())
def test_a_plain_me_is_answered_directly_as_flask_answers_it(
    app: Flask, request_: Request, lines: list[tuple[object, ...]]
) -> None:
    answers(app, request_, lines)  # the first request of a host binds it in Flask
    before = lane_of(app).served
    seen = answers(app, request_, lines)
    assert lane_of(app).served == before + 1
    assert seen["lane"] == seen["flask"]
    assert seen["lane"][0] == "200 OK"


def fault_on_me(app: Flask, mock: MockState, clock: ManualClock) -> None:
    mock.faults.add({"path": "/me", "status": 503})


def fault_elsewhere(app: Flask, mock: MockState, clock: ManualClock) -> None:
    mock.faults.add({"path": "/authorization", "method": "PUT", "status": 503})


def debug(app: Flask, mock: MockState, clock: ManualClock) -> None:
    app.debug = True  # jsonify indents: Flask's layout, not the lane's


def failing_journal(app: Flask, mock: MockState, clock: ManualClock) -> None:
    def record(entry: object) -> None:
        raise RuntimeError("the store is gone")

    mock.journal.record = record  # type: ignore[method-assign]


def no_setup(app: Flask, mock: MockState, clock: ManualClock) -> None:
    return None


TO_FLASK: dict[str, tuple[Request, Setup]] = {
    "HEAD": ({**plain(), "method": "HEAD"}, no_setup),
    "POST": ({**plain(), "method": "POST"}, no_setup),
    "trailing slash": (plain("/me/"), no_setup),
    "a body": ({**plain(), "data": b"{}"}, no_setup),
    "missing token": ({"path": "/me"}, no_setup),
    "malformed token": ({"path": "/me", "headers": {"Authorization": "Bearer a b"}}, no_setup),
    "unknown token": ({"path": "/me", "headers": {"Authorization": "Bearer abc"}}, no_setup),
    "a fault on /me": (plain(), fault_on_me),
    "a fault elsewhere": (plain(), fault_elsewhere),
    "debug mode": (plain(), debug),
    "a host Flask refuses": (plain(Host=f"{'a' * 64}.test"), no_setup),
}


@pytest.mark.parametrize(("request_", "setup"), TO_FLASK.values(), ids=TO_FLASK.keys())
def test_any_other_request_takes_flasks_way(
    app: Flask, mock: MockState, clock: ManualClock, request_: Request, setup: Setup, lines: list
) -> None:
    answers(app, request_, lines)  # a known host: only the request itself keeps it from the lane
    setup(app, mock, clock)
    before = lane_of(app).served
    seen = answers(app, request_, lines)
    assert lane_of(app).served == before
    assert seen["lane"] == seen["flask"]


def test_an_expired_token_is_refused_by_flask(app: Flask, clock: ManualClock, lines: list) -> None:
    client = app.test_client()
    token = token_of(app)
    assert client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    clock.advance(3600)
    served = lane_of(app).served
    reply = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert (reply.status_code, reply.get_json()["error"]) == (401, "invalid_token")
    assert "expired" in reply.headers["WWW-Authenticate"]
    assert lane_of(app).served == served


def test_a_failure_past_the_answer_is_rendered_by_flask(app: Flask, mock: MockState) -> None:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token_of(app)}"}
    client.get("/me", headers=headers)
    failing_journal(app, mock, ManualClock())
    reply = client.get("/me", headers=headers)
    assert reply.status_code == 500
    assert reply.get_json()["error"] == "internal_server_error"
    assert "Traceback" not in reply.get_data(as_text=True)


def test_a_host_goes_direct_once_flask_has_bound_it(app: Flask) -> None:
    client, headers = app.test_client(), {"Authorization": f"Bearer {token_of(app)}", "Host": "new.test"}
    served = lane_of(app).served
    assert client.get("/me", headers=headers).status_code == 200
    assert lane_of(app).served == served
    assert client.get("/me", headers=headers).status_code == 200
    assert lane_of(app).served == served + 1
