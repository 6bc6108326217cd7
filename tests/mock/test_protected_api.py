"""Bearer validation on protected routes (RFC 6750 §2.1, §3; RFC 7235 §2.1) and permissions."""

from __future__ import annotations

import pytest

from mockserver import ManualClock
from mockserver.core.state import MockState

from ..conftest import VIEWER, bearer, login
from ..transport import Transport

BARE_CHALLENGE = 'Bearer realm="authcontract-mock"'


def test_a_fresh_token_is_accepted_on_me(api: Transport) -> None:
    reply = api.request("GET", "/me", headers=bearer(login(api)))
    assert reply.status == 200
    assert reply.body["username"] == "demo"
    assert reply.body["permissions"] == ["accounts:read", "accounts:write", "payments:read", "payments:write"]


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "BeArEr"])
def test_the_scheme_is_case_insensitive(api: Transport, scheme: str) -> None:
    reply = api.request("GET", "/me", headers={"Authorization": f"{scheme} {login(api)}"})
    assert reply.status == 200


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-header"),
        pytest.param({"Authorization": ""}, id="empty-header"),
        pytest.param({"Authorization": "Basic ZGVtbzpkZW1vLXBhc3N3b3Jk"}, id="basic"),
        pytest.param({"Authorization": "Token abcdef"}, id="other-scheme"),
    ],
)
def test_no_bearer_credentials_get_a_bare_challenge(api: Transport, headers: dict) -> None:
    reply = api.request("GET", "/me", headers=headers)
    assert reply.status == 401
    assert reply.header("WWW-Authenticate") == BARE_CHALLENGE
    assert reply.body["error_description"]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("Bearer", id="no-token"),
        pytest.param("Bearer ", id="blank-token"),
        pytest.param("Bearer a b", id="space-inside"),
        pytest.param("Bearer abc$def", id="outside-b64token"),
        pytest.param("Bearer =abc", id="padding-first"),
        pytest.param("Bearer abc,def", id="comma"),
    ],
)
def test_malformed_bearer_headers_are_invalid_request(api: Transport, value: str) -> None:
    reply = api.request("GET", "/me", headers={"Authorization": value})
    assert reply.status == 400
    assert reply.body["error"] == "invalid_request"
    challenge = reply.header("WWW-Authenticate")
    assert challenge.startswith(BARE_CHALLENGE + ', error="invalid_request"')


def test_an_unknown_token_is_invalid_token(api: Transport) -> None:
    reply = api.request("GET", "/me", headers=bearer("A" * 43))
    assert reply.status == 401
    assert reply.body == {"error": "invalid_token", "error_description": "the access token is not known"}
    assert reply.header("WWW-Authenticate") == (
        BARE_CHALLENGE + ', error="invalid_token", error_description="the access token is not known"'
    )


def test_a_token_lives_exactly_its_lifetime(api: Transport, clock: ManualClock) -> None:
    token = login(api)
    clock.advance(3599.9)
    assert api.request("GET", "/me", headers=bearer(token)).status == 200
    clock.advance(0.1)
    reply = api.request("GET", "/me", headers=bearer(token))
    assert reply.status == 401
    assert reply.body["error"] == "invalid_token"
    assert reply.body["error_description"] == "the access token has expired"
    assert 'error_description="the access token has expired"' in reply.header("WWW-Authenticate")


def test_a_revoked_token_is_refused(api: Transport, mock: MockState) -> None:
    token, other = login(api), login(api)
    assert mock.tokens.revoke(token)
    reply = api.request("GET", "/me", headers=bearer(token))
    assert reply.status == 401
    assert reply.body["error_description"] == "the access token has been revoked"
    assert api.request("GET", "/me", headers=bearer(other)).status == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/accounts", 200),
        ("POST", "/accounts", 201),
        ("GET", "/payments", 200),
        ("POST", "/payments", 201),
        ("DELETE", "/payments/p-1", 204),
    ],
)
def test_the_demo_user_may_call_every_sample_route(
    api: Transport, method: str, path: str, status: int
) -> None:
    reply = api.request(method, path, headers=bearer(login(api)))
    assert reply.status == status
    if status == 204:
        assert reply.text == ""


@pytest.mark.parametrize(
    ("method", "path", "permission"),
    [("POST", "/accounts", "accounts:write"), ("DELETE", "/payments/p-1", "payments:write")],
)
def test_a_token_carries_only_its_users_permissions(
    api: Transport, method: str, path: str, permission: str
) -> None:
    token = login(api, *VIEWER)
    assert api.request("GET", "/accounts", headers=bearer(token)).status == 200
    reply = api.request(method, path, headers=bearer(token))
    assert reply.status == 403
    assert reply.body["error"] == "insufficient_scope"
    assert reply.body["scope"] == permission
    challenge = reply.header("WWW-Authenticate")
    assert 'error="insufficient_scope"' in challenge
    assert f'scope="{permission}"' in challenge


def test_protected_routes_check_the_token_before_the_permission(api: Transport) -> None:
    reply = api.request("POST", "/accounts")
    assert reply.status == 401


def test_unknown_paths_are_404_json(api: Transport) -> None:
    reply = api.request("GET", "/nowhere")
    assert reply.status == 404
    assert reply.body["error"] == "not_found"


def test_other_methods_on_protected_paths_are_405(api: Transport) -> None:
    reply = api.request("DELETE", "/me")
    assert reply.status == 405
    assert "GET" in reply.header("Allow")
