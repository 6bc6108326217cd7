"""No password or full token in logs, the journal or error bodies."""

from __future__ import annotations

import logging

import pytest

from mockserver import Settings
from mockserver.redaction import redact_authorization, redact_fields, redact_query, redact_token

from .conftest import DEMO, bearer, login
from .transport import Transport

TOKEN = "abcdEFGHijklMNOPqrstUVWXyz0123456789-_abcde"


def test_a_token_keeps_only_a_short_prefix() -> None:
    assert redact_token(TOKEN) == "abcd…(43 chars)"
    assert redact_token("short-token") == "***"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"Bearer {TOKEN}", "Bearer abcd…(43 chars)"),
        ("Basic ZGVtbzpkZW1vLXBhc3N3b3Jk", "Basic ***"),
        ("Bearer", "Bearer"),
    ],
)
def test_authorization_headers_are_masked(value: str, expected: str) -> None:
    assert redact_authorization(value) == expected


def test_secret_fields_are_masked_wherever_they_come_from() -> None:
    fields = {"username": "demo", "password": "pw", "Access_Token": "t", "client_secret": "c"}
    assert redact_fields(fields) == {
        "username": "demo",
        "password": "***",
        "Access_Token": "***",
        "client_secret": "***",
    }
    assert redact_query("username=demo&password=p%40ss") == "username=demo&password=***"


@pytest.mark.parametrize("settings", [Settings()], ids=["logging-on"])
def test_the_request_log_has_no_secrets(
    api: Transport, caplog: pytest.LogCaptureFixture, settings: Settings
) -> None:
    caplog.set_level(logging.INFO, logger="mockserver")
    token = login(api)
    api.request("GET", "/me", headers=bearer(token))
    api.request("POST", "/authorization", params={"username": "demo", "password": DEMO[1]})
    api.request("POST", "/authorization", data={"username": "demo", "password": "wrong-guess-123"})
    lines = [record.getMessage() for record in caplog.records]
    assert any(line.startswith("POST /authorization?username=demo&password=*** 200") for line in lines)
    assert any(line.startswith("GET /me 200") for line in lines)
    text = "\n".join(lines)
    for secret in (DEMO[1], "wrong-guess-123", token):
        assert secret not in text


def test_error_bodies_never_echo_the_password(api: Transport) -> None:
    reply = api.request("POST", "/authorization", data={"username": "demo", "password": "guess\x00pw"})
    assert reply.status == 400
    assert "guess" not in reply.text
