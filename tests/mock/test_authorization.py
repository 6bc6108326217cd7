"""POST /authorization: credentials from form, JSON or query; RFC 6749 §5.1 answers and §5.2 errors."""

from __future__ import annotations

import re

import pytest

from mockserver import Settings

from ..conftest import DEMO, login
from ..transport import Transport

URL_SAFE_256_BITS = re.compile(r"[A-Za-z0-9_-]{43,}")


@pytest.mark.parametrize(
    "send",
    [
        pytest.param({"data": {"username": DEMO[0], "password": DEMO[1]}}, id="form"),
        pytest.param({"json": {"username": DEMO[0], "password": DEMO[1]}}, id="json"),
        pytest.param({"params": {"username": DEMO[0], "password": DEMO[1]}}, id="query"),
        pytest.param(
            {
                "data": {
                    "username": DEMO[0],
                    "password": DEMO[1],
                    "grant_type": "password",
                    "client_id": "cli",
                    "scope": "anything",
                }
            },
            id="oauth-extras-ignored",
        ),
    ],
)
def test_valid_credentials_get_a_bearer_token(api: Transport, send: dict) -> None:
    reply = api.request("POST", "/authorization", **send)
    assert reply.status == 200
    assert reply.header("Content-Type") == "application/json"
    assert reply.header("Cache-Control") == "no-store"
    assert reply.header("Pragma") == "no-cache"
    assert reply.body["token_type"] == "Bearer"
    assert URL_SAFE_256_BITS.fullmatch(reply.body["access_token"])
    assert reply.body["expires_in"] == 3600
    assert type(reply.body["expires_in"]) is int
    assert reply.body["scope"] == "accounts:read accounts:write payments:read payments:write"


def test_every_login_gets_a_new_token(api: Transport) -> None:
    assert len({login(api) for _ in range(5)}) == 5


@pytest.mark.parametrize("settings", [Settings(token_ttl=90, log_requests=False)], ids=["ttl-90"])
def test_expires_in_is_the_configured_lifetime(api: Transport, settings: Settings) -> None:
    reply = api.request("POST", "/authorization", data={"username": DEMO[0], "password": DEMO[1]})
    assert reply.body["expires_in"] == 90


@pytest.mark.parametrize(
    ("username", "password", "description"),
    [
        pytest.param("demo", "wrong-password", "wrong", id="wrong-password"),
        pytest.param("nobody", "demo-password", "wrong", id="unknown-user"),
        pytest.param("retired", "retired-password", "disabled", id="disabled-user"),
    ],
)
def test_bad_logins_are_invalid_grant(api: Transport, username: str, password: str, description: str) -> None:
    reply = api.request("POST", "/authorization", data={"username": username, "password": password})
    assert reply.status == 400
    assert reply.body["error"] == "invalid_grant"
    assert description in reply.body["error_description"]
    assert "access_token" not in reply.body
    assert password not in reply.text


@pytest.mark.parametrize(
    "settings", [Settings(invalid_grant_status=401, log_requests=False)], ids=["status-401"]
)
def test_bad_login_status_is_a_setting_and_a_401_carries_a_challenge(
    api: Transport, settings: Settings
) -> None:
    reply = api.request("POST", "/authorization", data={"username": "demo", "password": "nope"})
    assert reply.status == 401
    assert reply.body["error"] == "invalid_grant"
    assert reply.header("WWW-Authenticate").startswith('Bearer realm="authcontract-mock"')


BOUNDARY = "authcontract-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(**fields: bytes) -> bytes:
    """A multipart body as raw bytes, so a field can hold bytes that are not UTF-8."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
        for name, value in fields.items()
    ]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


@pytest.mark.parametrize(
    ("send", "fragment"),
    [
        pytest.param({"data": {"username": "demo"}}, "'password' is missing", id="missing-password"),
        pytest.param({"data": {"password": "x"}}, "'username' is missing", id="missing-username"),
        pytest.param({"data": {"username": "", "password": "x"}}, "'username' is missing", id="empty"),
        pytest.param({}, "'username' is missing", id="no-body"),
        pytest.param(
            {"data": b"{not json", "headers": {"Content-Type": "application/json"}},
            "not valid UTF-8 JSON",
            id="malformed-json",
        ),
        pytest.param({"json": ["demo", "demo-password"]}, "must be an object", id="json-array"),
        pytest.param({"json": {"username": 7, "password": "x"}}, "must be a string", id="json-number"),
        pytest.param(
            {"data": "username=demo", "headers": {"Content-Type": "text/plain"}},
            "unsupported content type",
            id="text-plain",
        ),
        pytest.param(
            {
                "data": "username=demo&username=viewer&password=x",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            "more than once",
            id="repeated-parameter",
        ),
        pytest.param(
            {"data": {"username": "demo", "password": "demo-password"}, "params": {"username": "demo"}},
            "more than once",
            id="body-and-query",
        ),
        pytest.param(
            {"data": {"username": "de\x00mo", "password": "x"}}, "control characters", id="nul-byte"
        ),
        pytest.param(
            {
                "data": b"username=%ff%fe&password=x",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            "not valid UTF-8",
            id="invalid-utf8",
        ),
        pytest.param(
            {"data": multipart(username=b"d\xffmo", password=b"x"), "headers": {"Content-Type": MULTIPART}},
            "not valid UTF-8",
            id="invalid-utf8-multipart",
        ),
        pytest.param(
            {"data": {"username": "demo", "password": "demo-password", "grant_type": ["password"] * 2}},
            "'grant_type' is given more than once",
            id="repeated-extra-parameter",
        ),
    ],
)
def test_malformed_requests_are_invalid_request(api: Transport, send: dict, fragment: str) -> None:
    reply = api.request("POST", "/authorization", **send)
    assert reply.status == 400
    assert reply.body["error"] == "invalid_request"
    assert fragment in reply.body["error_description"]
    assert "Traceback" not in reply.text


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(api: Transport, method: str) -> None:
    reply = api.request(method, "/authorization")
    assert reply.status == 405
    assert "POST" in reply.header("Allow")
    assert reply.body["error"] == "method_not_allowed"
    assert reply.body["error_description"]


def test_an_oversized_body_is_413_json(api: Transport) -> None:
    reply = api.request("POST", "/authorization", data={"username": "demo", "password": "x" * (17 * 1024)})
    assert reply.status == 413
    assert reply.body["error"] == "request_entity_too_large"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"username": ["demo"], "password": ["demo-password"]}, id="both-in-arrays"),
        pytest.param({"username": "demo", "password": ["demo-password"]}, id="password-in-array"),
        pytest.param({"username": ["demo", "viewer"], "password": "demo-password"}, id="two-usernames"),
        pytest.param({"username": "demo", "password": {"value": "demo-password"}}, id="password-object"),
    ],
)
def test_json_credentials_that_are_not_strings_are_invalid_request(api: Transport, body: dict) -> None:
    """A JSON array is one value, not a list of parameters: no token for `["demo-password"]`."""
    reply = api.request("POST", "/authorization", json=body)
    assert reply.status == 400
    assert reply.body["error"] == "invalid_request"
    assert "must be a string" in reply.body["error_description"]
    assert "access_token" not in reply.body
