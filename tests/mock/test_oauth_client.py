"""A standard OAuth client works unchanged: requests-oauthlib's password grant against the mock."""

from __future__ import annotations

import pytest
from oauthlib.oauth2 import LegacyApplicationClient
from requests_oauthlib import OAuth2Session

from mockserver import MockServer

from ..conftest import DEMO

TIMEOUT = 5


def test_legacy_application_client_fetches_a_token_and_calls_me(
    server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # plain HTTP on loopback
    session = OAuth2Session(client=LegacyApplicationClient(client_id="any-client"))
    token = session.fetch_token(
        token_url=server.url_for("/authorization"),
        username=DEMO[0],
        password=DEMO[1],
        include_client_id=True,
        timeout=TIMEOUT,
    )
    assert token["token_type"] == "Bearer"
    assert token["scope"] == ["accounts:read", "accounts:write", "payments:read", "payments:write"]
    me = session.get(server.url_for("/me"), timeout=TIMEOUT)
    assert me.status_code == 200
    assert me.json()["username"] == "demo"
    entry = server.state.journal.entries()[0]
    assert entry.form["grant_type"] == "password"
    assert entry.form["password"] == "***"
