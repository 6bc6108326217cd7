"""Each request is decided once, by one pipeline: the data plane's endpoints and Flask's routes pass
the same interceptors, and an endpoint's refusal is rendered, not decided again elsewhere.
(What each route answers, journals and logs is held by test_data_plane_golden.py.)"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from flask import Flask, request_started
from werkzeug.test import Client

from mockserver import ManualClock, Settings, create_app
from mockserver.core.state import MockState

FORM = {"username": "demo", "password": "demo-password"}


def counting(target: object, name: str) -> list[object]:
    """Calls of `target.name` from now on, each recorded."""
    calls: list[object] = []
    original = getattr(target, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    setattr(target, name, counted)
    return calls


@pytest.mark.parametrize("lockout_after", [0, 3])
def test_a_wrong_password_is_checked_once(lockout_after: int) -> None:
    app = create_app(Settings(log_requests=False, lockout_after=lockout_after), clock=ManualClock())
    client = app.test_client()
    client.post("/authorization", data=FORM)  # the host's binding cached: the plainest way from here
    verified = counting(app.extensions["mockserver"].users, "verify")
    assert client.post("/authorization", data={**FORM, "password": "wrong"}).status_code == 400
    assert len(verified) == 1


def test_a_refused_token_is_checked_once(app: Flask, mock: MockState) -> None:
    client = app.test_client()
    client.get("/me")  # the host's binding cached
    authenticated = counting(mock.tokens, "authenticate")
    reply = client.get("/me", headers={"Authorization": "Bearer unknown"})
    assert reply.status_code == 401
    assert len(authenticated) == 1


def test_a_wrong_password_counts_once_towards_the_lockout() -> None:
    app = create_app(Settings(log_requests=False, lockout_after=3), clock=ManualClock())
    client = app.test_client()
    for _ in range(2):
        assert client.post("/authorization", data={**FORM, "password": "wrong"}).status_code == 400
    counts = [count for count, _since in app.extensions["mockserver"].shared.view().failures.values()]
    assert counts == [2]  # one user, two failures


def test_an_expired_token_is_refused_with_its_reason(app: Flask, mock: MockState, clock: ManualClock) -> None:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {mock.tokens.issue('demo').access_token}"}
    assert client.get("/me", headers=headers).status_code == 200
    clock.advance(3600)
    reply = client.get("/me", headers=headers)
    assert (reply.status_code, reply.get_json()["error"]) == (401, "invalid_token")
    assert "expired" in reply.headers["WWW-Authenticate"]


def test_a_failure_past_the_answer_is_a_json_500(app: Flask, mock: MockState) -> None:
    headers = {"Authorization": f"Bearer {mock.tokens.issue('demo').access_token}"}

    def record(entry: object) -> None:
        raise RuntimeError("the store is gone")

    mock.journal.record = record  # type: ignore[method-assign]
    reply = app.test_client().get("/me", headers=headers)
    assert reply.status_code == 500
    assert reply.get_json()["error"] == "internal_server_error"
    assert "Traceback" not in reply.get_data(as_text=True)


def test_an_endpoints_unexpected_failure_is_a_json_500(app: Flask, mock: MockState) -> None:
    def authenticate(token: str) -> object:
        raise RuntimeError("boom")

    mock.tokens.authenticate = authenticate  # type: ignore[method-assign]
    reply = app.test_client().get("/me", headers={"Authorization": "Bearer abc"})
    assert (reply.status_code, reply.get_json()["error"]) == (500, "server_error")
    assert mock.journal.entries()[-1].status == 500


def test_flasks_hooks_and_signals_see_only_what_flask_serves(app: Flask) -> None:
    """docs/mock.md: an embedding app's Flask hooks see the control API, the dashboard and
    /openapi.json; the data plane's requests pass the pipeline alone."""
    calls: list[str] = []
    app.before_request(lambda: calls.append("before"))
    started: list[object] = []
    client = app.test_client()
    with request_started.connected_to(lambda sender, **extra: started.append(sender), app):
        assert client.post("/authorization", data=FORM).status_code == 200
        assert client.get("/me").status_code == 401
        assert client.get("/openapi.json").status_code == 200
    assert calls == ["before"]
    assert started == [app]


def test_a_wsgi_middleware_sees_every_request(app: Flask) -> None:
    """The hook an embedding app has for the data plane: wrap `app.wsgi_app`."""
    seen: list[tuple[str, str]] = []
    inner = app.wsgi_app

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]
    client = Client(app)
    client.post("/authorization", data=FORM)
    client.get("/me")
    client.get("/_mock/clock")
    assert seen == [("POST", "/authorization"), ("GET", "/me"), ("GET", "/_mock/clock")]
