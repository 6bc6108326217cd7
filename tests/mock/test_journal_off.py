"""`--journal-size 0`: a mock for pure load targets keeps no journal, says so, and otherwise
answers as any mock does (issue 29)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from mockserver import ManualClock, Settings, create_app
from mockserver.cli import settings_from_args
from mockserver.core.state import MockState
from mockserver.settings import ConfigError, load_settings

from ..conftest import DEMO, bearer, login
from ..processes import TIMEOUT, mock_process
from ..transport import Transport

OFF = {"requests": [], "journal": "off"}


@pytest.fixture(params=["memory:", "file"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    store = f"file://{tmp_path / 'store'}" if request.param == "file" else "memory:"
    return Settings(log_requests=False, journal_size=0, store=store)


def test_the_setting_is_read_from_each_layer(tmp_path: Path) -> None:
    assert settings_from_args(["--journal-size", "0"]).journal_size == 0
    assert load_settings(environ={"MOCKSERVER_JOURNAL_SIZE": "0"}).journal_size == 0
    config = tmp_path / "mock.toml"
    config.write_text("[mockserver]\njournal-size = 0\n", encoding="utf-8")
    assert load_settings(config_file=config).journal_size == 0
    assert Settings().journal_size == 1000
    with pytest.raises(ConfigError, match="journal_size"):
        Settings(journal_size=-1)


def test_nothing_is_journaled_and_the_journal_says_it_is_off(api: Transport, mock: MockState) -> None:
    token = login(api)
    assert api.request("GET", "/me", headers=bearer(token)).status == 200
    assert api.request("GET", "/me", headers=bearer("unknown")).status == 401
    assert api.request("POST", "/authorization", data={"username": "demo", "password": "x"}).status == 400
    reply = api.request("GET", "/_mock/requests")
    assert (reply.status, reply.body) == (200, OFF)
    assert mock.shared.backend.journal() == []  # the store was never written to
    assert mock.journal.entries() == []
    assert api.request("GET", "/_mock/tokens").body == {"tokens": []}
    assert api.request("DELETE", "/_mock/requests", json={}).status == 204
    assert api.request("GET", "/_mock/requests").body == OFF


def test_everything_else_works_without_a_journal(api: Transport, clock: ManualClock) -> None:
    token = login(api)
    me = api.request("GET", "/me", headers=bearer(token))
    assert (me.status, me.body["username"]) == (200, "demo")
    refused = api.request("GET", "/me", headers=bearer("unknown"))
    assert (refused.status, refused.body["error"]) == (401, "invalid_token")
    assert "invalid_token" in refused.headers["WWW-Authenticate"]
    assert api.request("POST", "/_mock/revoke", json={"token": token}).status == 200
    assert api.request("GET", "/me", headers=bearer(token)).status == 401
    fresh = login(api)
    clock.advance(3600)
    assert api.request("GET", "/me", headers=bearer(fresh)).body["error_description"] == (
        "the access token has expired"
    )
    fault = {"path": "/me", "status": 503, "times": 1}
    assert api.request("POST", "/_mock/faults", json=fault).status == 201
    assert api.request("GET", "/me").status == 503
    assert api.request("POST", "/_mock/reset", json={}).status == 204
    assert api.request("GET", "/me", headers=bearer(login(api))).status == 200


def test_the_log_line_stays_without_a_journal(caplog: pytest.LogCaptureFixture) -> None:
    client = create_app(Settings(journal_size=0), clock=ManualClock()).test_client()
    with caplog.at_level("INFO", logger="mockserver"):
        client.get("/me", headers=bearer("unknown"))
    assert any(record.getMessage().startswith("GET /me 401") for record in caplog.records)


@pytest.mark.processes
def test_served_workers_keep_no_journal_and_share_everything_else(tmp_path: Path) -> None:
    """As a load target runs it: granian, two workers sharing a private file store."""
    with mock_process("--journal-size", "0", "--workers", "2", "--quiet") as running:
        url = running.url
        form = {"username": DEMO[0], "password": DEMO[1]}
        token = requests.post(f"{url}/authorization", data=form, timeout=TIMEOUT).json()["access_token"]
        workers = set()
        for _ in range(300):  # fresh connections, until both workers have answered
            me = requests.get(f"{url}/me", headers=bearer(token), timeout=TIMEOUT)
            assert me.status_code == 200
            workers.add(me.headers["X-Mock-Worker"])
            if len(workers) == 2:
                break
        assert requests.get(f"{url}/_mock/requests", timeout=TIMEOUT).json() == OFF
        requests.post(f"{url}/_mock/revoke", json={"token": token}, timeout=TIMEOUT)
        for _ in range(10):
            assert requests.get(f"{url}/me", headers=bearer(token), timeout=TIMEOUT).status_code == 401
        assert len(workers) == 2
