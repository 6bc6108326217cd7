"""The direct lane answers a plain GET /me and a plain urlencoded login as Flask does, and leaves
every other request to Flask: the same status, headers, body, journal entry and log line either way
(a login's token aside: each is new)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, request_started
from werkzeug.test import Client

from mockserver import ManualClock, Settings, create_app
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
    """A token from Flask's own login, so that only the request under test can take the lane."""
    form = {"username": "demo", "password": "demo-password"}
    return Client(lane_of(app).wsgi_app).post("/authorization", data=form).json["access_token"]


def answers(app: Flask, request: Request, lines: list[tuple[object, ...]]) -> dict[str, Any]:
    """One request each way, the direct lane then Flask alone, as what a client and a test see."""
    mock: MockState = app.extensions["mockserver"]
    token = token_of(app)
    headers = {name: value.replace(TOKEN, token) for name, value in request.get("headers", {}).items()}
    seen = {}
    for way, wsgi in (("lane", app), ("flask", lane_of(app).wsgi_app)):
        response = Client(wsgi).open(**{**request, "headers": headers})
        entry = _without_issued_token(mock.journal.entries()[-1].to_dict())
        body = _without_token(response.get_data())
        seen[way] = (response.status, response.headers.to_wsgi_list(), body, entry, lines[-1])
    return seen


def _without_token(body: bytes) -> bytes:
    """A login's answer with its token's characters masked: each login's token is new."""
    return TOKEN_FIELD.sub(lambda match: match[1] + b"*" * len(match[2]) + b'"', body)


TOKEN_FIELD = re.compile(rb'("access_token": ?")([^"]*)"')


def _without_issued_token(entry: dict[str, Any]) -> dict[str, Any]:
    """A login's journal entry with its token's hash and prefix masked, its claims kept."""
    if entry.get("issued"):
        entry["issued"] = {**entry["issued"], "id": "*", "prefix": "*"}
    return entry


def plain(path: str = "/me", **headers: str) -> Request:
    return {"path": path, "method": "GET", "headers": {"Authorization": f"Bearer {TOKEN}", **headers}}


def login(data: bytes = b"username=demo&password=demo-password", **headers: str) -> Request:
    headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    return {"path": "/authorization", "method": "POST", "data": data, "headers": headers}


DIRECT = {
    "plain": plain(),
    "query redacted": plain("/me?access_token=secret&x=%C3%A9"),
    "lower-case scheme": {"path": "/me", "headers": {"Authorization": f"bearer {TOKEN}"}},
    "many headers, cut in the journal": plain(**{f"X-Extra-{n}": "v" * 600 for n in range(40)}),
    "another host": plain(Host="LOCALHOST:8080"),
    "login": login(),
    "login, escaped and extra fields": login(
        b"password=demo%2Dpassword&username=%64emo&scope=x&grant_type=password"
    ),
    "login, blank extra field": login(b"username=demo&password=demo-password&grant_type="),
}


@pytest.mark.parametrize("request_", DIRECT.values(), ids=DIRECT.keys())
def test_a_plain_request_is_answered_directly_as_flask_answers_it(
    app: Flask, request_: Request, lines: list[tuple[object, ...]]
) -> None:
    answers(app, request_, lines)  # the first request of a host binds it in Flask
    path = request_["path"].partition("?")[0]
    before = lane_of(app).served[path]
    seen = answers(app, request_, lines)
    assert lane_of(app).served[path] == before + 1
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


def fault_on_login(app: Flask, mock: MockState, clock: ManualClock) -> None:
    mock.faults.add({"path": "/authorization", "omit_field": "expires_in"})


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
    "login, wrong password": (login(b"username=demo&password=nope"), no_setup),
    "login, unknown user": (login(b"username=nobody&password=nope"), no_setup),
    "login, disabled user": (login(b"username=retired&password=retired-password"), no_setup),
    "login, missing field": (login(b"username=demo"), no_setup),
    "login, repeated field": (login(b"username=demo&username=demo&password=demo-password"), no_setup),
    "login, bad UTF-8": (login(b"username=demo&password=%FF"), no_setup),
    "login, control character": (login(b"username=demo&password=a%00"), no_setup),
    "login, query string": ({**login(), "path": "/authorization?username=demo"}, no_setup),
    "login, charset": (
        login(**{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}),
        no_setup,
    ),
    "login, JSON": (
        login(b'{"username": "demo", "password": "demo-password"}', **{"Content-Type": "application/json"}),
        no_setup,
    ),
    "login, too large": (login(b"username=demo&password=demo-password&pad=" + b"x" * 20_000), no_setup),
    "login, a fault": (login(), fault_on_login),
    "login, GET": ({**login(), "method": "GET"}, no_setup),
}


@pytest.mark.parametrize(("request_", "setup"), TO_FLASK.values(), ids=TO_FLASK.keys())
def test_any_other_request_takes_flasks_way(
    app: Flask, mock: MockState, clock: ManualClock, request_: Request, setup: Setup, lines: list
) -> None:
    answers(app, request_, lines)  # a known host: only the request itself keeps it from the lane
    setup(app, mock, clock)
    before = lane_of(app).served.copy()
    seen = answers(app, request_, lines)
    assert lane_of(app).served == before
    assert seen["lane"] == seen["flask"]


@pytest.mark.parametrize("lockout_after", [0, 3])
def test_logins_take_the_lane_only_while_a_refusal_counts_nothing(lockout_after: int) -> None:
    app = create_app(Settings(log_requests=False, lockout_after=lockout_after), clock=ManualClock())
    client = app.test_client()
    form = {"username": "demo", "password": "demo-password"}
    client.post("/authorization", data=form)  # binds the host
    for _ in range(2):
        assert client.post("/authorization", data={**form, "password": "wrong"}).status_code == 400
    assert client.post("/authorization", data=form).status_code == 200
    assert lane_of(app).served["/authorization"] == (1 if lockout_after == 0 else 0)  # the success
    failures = app.extensions["mockserver"].shared.view().failures
    assert failures == {}  # two wrong passwords counted once each, and cleared by the success


def test_an_expired_token_is_refused_by_flask(app: Flask, clock: ManualClock, lines: list) -> None:
    client = app.test_client()
    token = token_of(app)
    assert client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    clock.advance(3600)
    served = lane_of(app).served["/me"]
    reply = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert (reply.status_code, reply.get_json()["error"]) == (401, "invalid_token")
    assert "expired" in reply.headers["WWW-Authenticate"]
    assert lane_of(app).served["/me"] == served


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
    served = lane_of(app).served["/me"]
    assert client.get("/me", headers=headers).status_code == 200
    assert lane_of(app).served["/me"] == served
    assert client.get("/me", headers=headers).status_code == 200
    assert lane_of(app).served["/me"] == served + 1


def before_hook(app: Flask, calls: list[str]) -> None:
    app.before_request(lambda: calls.append("before"))


def after_hook(app: Flask, calls: list[str]) -> None:
    @app.after_request
    def after(response: Any) -> Any:
        calls.append("after")
        return response


def teardown_hook(app: Flask, calls: list[str]) -> None:
    app.teardown_appcontext(lambda error: calls.append("teardown"))


@pytest.mark.parametrize("hook", [before_hook, after_hook, teardown_hook])
def test_an_embedding_apps_own_hooks_see_every_request(app: Flask, hook: Callable[..., None]) -> None:
    calls: list[str] = []
    hook(app, calls)  # before the first request, as Flask requires
    headers = {"Authorization": f"Bearer {token_of(app)}"}
    client, form = app.test_client(), {"username": "demo", "password": "demo-password"}
    for _ in range(2):  # the second of each would take the lane: its host is bound by then
        assert client.get("/me", headers=headers).status_code == 200
        assert client.post("/authorization", data=form).status_code == 200
    assert len(calls) == 5  # token_of's login too
    assert sum(lane_of(app).served.values()) == 0


def test_a_request_signals_receiver_sees_every_request(app: Flask) -> None:
    headers = {"Authorization": f"Bearer {token_of(app)}"}  # binds the host
    client = app.test_client()
    started: list[object] = []
    with request_started.connected_to(lambda sender, **extra: started.append(sender), app):
        assert client.get("/me", headers=headers).status_code == 200
    assert started == [app]
    assert lane_of(app).served["/me"] == 0
    assert client.get("/me", headers=headers).status_code == 200  # disconnected: the lane again
    assert lane_of(app).served["/me"] == 1
