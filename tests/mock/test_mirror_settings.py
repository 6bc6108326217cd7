"""The settings that let the mock mirror a platform (`compare --write-mock-config`): each one a flag, a
MOCKSERVER_* variable and a config key, and each one changing exactly the answers it names, through
Flask's test client and over a socket (where a plain login takes the direct lane)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver import Settings, load_settings
from mockserver.cli import settings_from_args

from ..conftest import DEMO, bearer, login
from ..transport import Transport

NEW = [
    ("token_scope", "--no-token-scope", "MOCKSERVER_TOKEN_SCOPE", "token-scope"),
    ("error_descriptions", "--no-error-descriptions", "MOCKSERVER_ERROR_DESCRIPTIONS", "error-descriptions"),
    (
        "error_cache_headers",
        "--no-error-cache-headers",
        "MOCKSERVER_ERROR_CACHE_HEADERS",
        "error-cache-headers",
    ),
]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "mock.md"


@pytest.mark.parametrize(("name", "flag", "variable", "key"), NEW, ids=[row[0] for row in NEW])
def test_each_mirror_setting_is_on_by_default_and_off_by_flag_variable_or_file(
    name: str, flag: str, variable: str, key: str, tmp_path: Path
) -> None:
    assert getattr(Settings(), name) is True
    assert getattr(settings_from_args([flag]), name) is False
    assert getattr(load_settings(environ={variable: "false"}), name) is False
    config = tmp_path / "mock.toml"
    config.write_text(f"[mockserver]\n{key} = false\n", encoding="utf-8")
    assert getattr(load_settings(config_file=config), name) is False
    documented = DOCS.read_text(encoding="utf-8")
    assert f"`{flag}`" in documented
    assert f"`{variable}" in documented


class TestNoTokenScope:
    @pytest.fixture
    def settings(self) -> Settings:
        return Settings(log_requests=False, token_scope=False)

    def test_the_token_answer_has_no_scope_and_keeps_the_rest(self, api: Transport) -> None:
        for data in ({"username": DEMO[0], "password": DEMO[1]}, None):  # direct lane, then Flask (JSON)
            json = {"username": DEMO[0], "password": DEMO[1]} if data is None else None
            reply = api.request("POST", "/authorization", data=data, json=json)
            assert reply.status == 200, reply.text
            assert sorted(reply.body) == ["access_token", "expires_in", "token_type"]
            assert reply.header("Cache-Control") == "no-store"


class TestNoErrorDescriptions:
    @pytest.fixture
    def settings(self) -> Settings:
        return Settings(log_requests=False, error_descriptions=False)

    def test_refusals_carry_their_codes_without_descriptions(self, api: Transport) -> None:
        refused = api.request("POST", "/authorization", data={"username": "demo", "password": "wrong-one"})
        assert (refused.status, refused.body) == (400, {"error": "invalid_grant"})
        unknown = api.request("GET", "/me", headers=bearer("not-a-token-of-ours"))
        assert (unknown.status, unknown.body) == (401, {"error": "invalid_token"})
        assert unknown.header("WWW-Authenticate") == 'Bearer realm="authcontract-mock", error="invalid_token"'
        token = login(api, "viewer", "viewer-password")
        forbidden = api.request("POST", "/payments", headers=bearer(token), json={"amount": 1})
        assert forbidden.status == 403
        assert forbidden.body == {"error": "insufficient_scope", "scope": "payments:write"}


class TestNoErrorCacheHeaders:
    @pytest.fixture
    def settings(self) -> Settings:
        return Settings(log_requests=False, error_cache_headers=False)

    def test_errors_carry_no_cache_headers_but_the_token_answer_still_does(self, api: Transport) -> None:
        refused = api.request("POST", "/authorization", data={"username": "demo", "password": "wrong-one"})
        missing = api.request("GET", "/me")
        for reply in (refused, missing):
            assert reply.status in (400, 401)
            assert (reply.header("Cache-Control"), reply.header("Pragma")) == (None, None)
        assert missing.header("WWW-Authenticate") == 'Bearer realm="authcontract-mock"'
        issued = api.request("POST", "/authorization", data={"username": DEMO[0], "password": DEMO[1]})
        assert (issued.header("Cache-Control"), issued.header("Pragma")) == ("no-store", "no-cache")


def test_by_default_every_error_still_has_its_description_and_cache_headers(api: Transport) -> None:
    refused = api.request("POST", "/authorization", data={"username": "demo", "password": "wrong-one"})
    assert refused.body == {
        "error": "invalid_grant",
        "error_description": "the username or password is wrong",
    }
    assert (refused.header("Cache-Control"), refused.header("Pragma")) == ("no-store", "no-cache")
    issued = api.request("POST", "/authorization", data={"username": DEMO[0], "password": DEMO[1]})
    assert issued.body["scope"] == "accounts:read accounts:write payments:read payments:write"
