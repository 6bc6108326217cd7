"""GET /_mock/dashboard and the control API it reads: guarded as the control API, no secret in sight."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mockserver import ManualClock, Settings, create_app

from ..redis_server import redis_server

PAGE_FILES = (
    "/_mock/dashboard",
    "/_mock/dashboard/dashboard.css",
    "/_mock/dashboard/dashboard.js",
    "/_mock/dashboard/favicon.svg",
)
CONTROL_TOKEN = "dashboard-control-token"
DEMO_PASSWORD = "demo-password"


@pytest.fixture
def client() -> FlaskClient:
    return create_app(Settings(log_requests=False), clock=ManualClock(1_700_000_000)).test_client()


def form_login(client: FlaskClient, username: str = "demo", password: str = DEMO_PASSWORD) -> str:
    """A plain urlencoded login: the direct lane answers it."""
    reply = client.post("/authorization", data={"username": username, "password": password})
    assert reply.status_code == 200
    return reply.get_json()["access_token"]


def json_login(client: FlaskClient) -> str:
    """A JSON login: Flask's view answers it."""
    reply = client.post("/authorization", json={"username": "viewer", "password": "viewer-password"})
    assert reply.status_code == 200
    return reply.get_json()["access_token"]


@pytest.mark.parametrize("path", PAGE_FILES)
def test_the_page_and_its_files_come_with_a_strict_policy_and_no_other_host(
    client: FlaskClient, path: str
) -> None:
    reply = client.get(path)
    assert reply.status_code == 200
    policy = reply.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    text = reply.get_data(as_text=True).replace('xmlns="http://www.w3.org/2000/svg"', "")  # a name only
    assert not re.search(r"(?i)(?:https?:|wss?:)?//[a-z0-9]", text), "a URL of another host"
    assert "innerHTML" not in text  # every value is set as text: the journal holds what clients sent
    assert "eval(" not in text


def test_the_page_references_only_its_own_files_and_the_control_api(client: FlaskClient) -> None:
    html = client.get("/_mock/dashboard").get_data(as_text=True)
    assert "<script>" not in html  # nothing inline: the policy would refuse it
    assert "style=" not in html
    assert set(re.findall(r'(?:src|href)="([^"]+)"', html)) == set(PAGE_FILES[1:])
    script = client.get("/_mock/dashboard/dashboard.js").get_data(as_text=True)
    assert re.findall(r"fetch\(([^,]+),", script) == ["`/_mock/${path}`"]


@pytest.mark.parametrize("path", [*PAGE_FILES, "/_mock/tokens"])
@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8080", "192.168.1.20"])
def test_a_foreign_host_gets_403(client: FlaskClient, path: str, host: str) -> None:
    reply = client.get(path, headers={"Host": host})
    assert reply.status_code == 403
    assert reply.get_json()["error"] == "access_denied"


@pytest.mark.parametrize("path", PAGE_FILES)
def test_another_site_may_not_load_the_page(client: FlaskClient, path: str) -> None:
    assert client.get(path, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.get(path, headers={"Origin": "http://attacker.example"}).status_code == 403


@pytest.mark.parametrize("path", PAGE_FILES)
def test_a_remote_client_without_a_control_token_gets_403(client: FlaskClient, path: str) -> None:
    assert client.get(path, environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 403


@pytest.mark.parametrize("path", [*PAGE_FILES, "/_mock/tokens"])
def test_no_control_removes_the_page(path: str) -> None:
    app = create_app(Settings(control=False, log_requests=False))
    assert app.test_client().get(path).status_code == 404


def test_an_unknown_file_of_the_page_is_404(client: FlaskClient) -> None:
    reply = client.get("/_mock/dashboard/..%2F..%2Fapp.py")
    assert reply.status_code == 404
    assert reply.get_json()["error"] == "not_found"


def test_with_a_control_token_the_page_is_served_but_its_data_need_the_token() -> None:
    """A page cannot know the token: it asks for it; the page itself holds no data."""
    app = create_app(Settings(control_token=CONTROL_TOKEN, log_requests=False))
    client = app.test_client()
    page = client.get("/_mock/dashboard", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert page.status_code == 200
    assert 'id="control-token"' in page.get_data(as_text=True)
    assert client.get("/_mock/tokens").status_code == 401
    authorized = {"Authorization": f"Bearer {CONTROL_TOKEN}"}
    assert client.get("/_mock/tokens", headers=authorized).status_code == 200


def test_tokens_are_listed_from_the_journal_by_prefix_and_hash_only(client: FlaskClient) -> None:
    direct, flask_view = form_login(client), json_login(client)
    tokens = client.get("/_mock/tokens").get_json()["tokens"]
    assert [token["username"] for token in tokens] == ["viewer", "demo"]  # newest first
    assert [token["state"] for token in tokens] == ["live", "live"]
    assert tokens[0]["expires_in"] == 3600
    assert tokens[1]["prefix"] == f"{direct[:4]}…({len(direct)} chars)"
    for path in ("/_mock/tokens", "/_mock/requests", "/_mock/users"):
        text = client.get(path).get_data(as_text=True)
        for secret in (direct, flask_view, DEMO_PASSWORD, "viewer-password", direct[:16], flask_view[:16]):
            assert secret not in text, path


def test_a_listed_token_is_revoked_by_its_id(client: FlaskClient) -> None:
    token = form_login(client)
    other = form_login(client)
    listed = client.get("/_mock/tokens").get_json()["tokens"]
    target = next(item for item in listed if item["prefix"].startswith(token[:4]))
    reply = client.delete(f"/_mock/tokens/{target['id']}", json={})
    assert reply.get_json() == {"revoked": True}
    assert client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.get("/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200
    states = {item["id"]: item["state"] for item in client.get("/_mock/tokens").get_json()["tokens"]}
    assert states[target["id"]] == "revoked"
    assert list(states.values()).count("live") == 1
    assert client.delete(f"/_mock/tokens/{target['id']}", json={}).get_json() == {"revoked": False}


def test_revoking_by_id_is_a_guarded_state_change(client: FlaskClient) -> None:
    form_login(client)
    token_id = client.get("/_mock/tokens").get_json()["tokens"][0]["id"]
    assert client.delete(f"/_mock/tokens/{token_id}").status_code == 400  # no JSON body: no form can
    assert client.delete("/_mock/tokens/" + "0" * 64, json={}).status_code == 404
    assert client.get("/_mock/tokens").get_json()["tokens"][0]["state"] == "live"


def test_a_token_expires_in_the_list_as_the_clock_moves() -> None:
    clock = ManualClock(1_700_000_000)
    client = create_app(Settings(token_ttl=60, log_requests=False), clock=clock).test_client()
    form_login(client)
    clock.advance(59)
    assert client.get("/_mock/tokens").get_json()["tokens"][0]["expires_in"] == 1
    clock.advance(1)
    listed = client.get("/_mock/tokens").get_json()["tokens"][0]
    assert (listed["state"], listed["expires_in"]) == ("expired", 0)


def test_the_journal_keeps_the_refusal_error_code_and_the_login_token_prefix(client: FlaskClient) -> None:
    client.post("/authorization", data={"username": "demo", "password": "wrong-password"})
    client.get("/me", headers={"Authorization": "Bearer unknown-token-of-some-length"})
    token = form_login(client)
    client.get("/me", headers={"Authorization": f"Bearer {token}"})
    entries = client.get("/_mock/requests").get_json()["requests"]
    assert [(entry["path"], entry["status"], entry["error"]) for entry in entries] == [
        ("/authorization", 400, "invalid_grant"),
        ("/me", 401, "invalid_token"),
        ("/authorization", 200, None),
        ("/me", 200, None),
    ]
    assert entries[2]["issued"]["prefix"] == entries[3]["headers"]["Authorization"].split(" ", 1)[1]
    assert [entry["issued"] is None for entry in entries] == [True, True, False, True]


def test_users_say_how_long_a_lockout_holds() -> None:
    clock = ManualClock(1_700_000_000)
    settings = Settings(lockout_after=2, lockout_seconds=60, log_requests=False)
    client = create_app(settings, clock=clock).test_client()
    for _ in range(2):
        client.post("/authorization", data={"username": "viewer", "password": "wrong"})
    clock.advance(10)
    locked = {user["username"]: user["locked_for"] for user in client.get("/_mock/users").get_json()["users"]}
    assert locked == {"demo": 0, "retired": 0, "viewer": 50}
    clock.advance(50)
    assert all(user["locked_for"] == 0 for user in client.get("/_mock/users").get_json()["users"])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.mark.parametrize("store", ["file", pytest.param("redis", marks=pytest.mark.processes)])
def test_workers_sharing_a_store_list_and_revoke_one_anothers_tokens(
    store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The page reads the control API, which reads the shared store: what any worker saw."""
    url = f"file://{tmp_path}" if store == "file" else request.getfixturevalue("redis_url")
    apps = [create_app(Settings(store=url, log_requests=False)) for _ in range(2)]
    first, second = (app.test_client() for app in apps)
    try:
        second.post("/_mock/reset", json={})
        token = form_login(first)
        listed = second.get("/_mock/tokens").get_json()["tokens"]
        assert [(item["username"], item["state"]) for item in listed] == [("demo", "live")]
        assert second.delete(f"/_mock/tokens/{listed[0]['id']}", json={}).get_json() == {"revoked": True}
        assert first.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        assert first.get("/_mock/tokens").get_json()["tokens"][0]["state"] == "revoked"
    finally:
        for app in apps:
            app.extensions["mockserver"].shared.backend.close()
