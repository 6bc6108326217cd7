"""For each check, a platform that breaks exactly its clause makes that check fail, and only the checks
whose clause it breaks.

Where the breach shows in the OpenAPI contract too, the schemathesis conformance test fails with the
named check; the expected set says so explicitly.
"""

from __future__ import annotations

import html
import secrets
from typing import Any
from urllib.parse import quote_plus

import pytest

from .conftest import SuiteRunner
from .targets import Platform

TOKEN_CONFORMS = "test_token_endpoint_conforms"


def breach(name: str, changes: dict[str, Any], *failing: str, env: dict[str, str] | None = None) -> Any:
    return pytest.param(changes, set(failing), env or {}, id=name)


BREACHES = [
    # contract
    breach(
        "text-plain-token-response",
        {"content_type": "text/plain"},
        "test_login_answers_json_token",
        TOKEN_CONFORMS,
    ),
    breach("token-type-mac", {"token_type": "MAC"}, "test_token_type_is_bearer", TOKEN_CONFORMS),
    breach(
        "token-type-trailing-newline", {"token_type": "Bearer\n"}, "test_token_type_is_bearer", TOKEN_CONFORMS
    ),
    breach(
        "token-outside-b64token",
        {"new_token": lambda: "tok@" + secrets.token_hex(20), "token_syntax": r"\S+"},
        "test_access_token_is_b64token",
        TOKEN_CONFORMS,
    ),
    breach("expires-in-string", {"announced": "60"}, "test_expires_in_is_positive_integer", TOKEN_CONFORMS),
    breach("expires-in-fraction", {"announced": 59.5}, "test_expires_in_is_positive_integer", TOKEN_CONFORMS),
    breach("expires-in-float", {"announced": 60.0}, "test_expires_in_is_positive_integer"),
    breach("expires-in-boolean", {"announced": True}, "test_expires_in_is_positive_integer", TOKEN_CONFORMS),
    breach("expires-in-zero", {"announced": 0}, "test_expires_in_is_positive_integer", TOKEN_CONFORMS),
    breach("same-token-twice", {"reuse_token": True}, "test_two_logins_give_two_tokens"),
    breach(
        "only-lowercase-scheme",
        {"scheme": "bearer"},
        "test_fresh_token_is_accepted",
        "test_token_lives_its_announced_lifetime",
        "test_unknown_token_gets_invalid_token",  # advisory: `Bearer <unknown>` refused as another scheme
    ),
    breach("no-header-403", {"missing_header_status": 403}, "test_missing_authorization_is_refused"),
    breach(
        "unknown-token-200",
        {"unknown_token_status": 200},
        "test_unknown_token_is_refused",
        "test_unknown_token_gets_invalid_token",  # advisory: a 200 carries no error code
    ),
    breach("expired-token-accepted", {"ttl": float("inf"), "announced": 60}, "test_expired_token_is_refused"),
    breach("expired-token-2xx-error", {"expired_status": 200}, "test_expired_token_is_refused"),
    breach("token-dies-early", {"ttl": 20, "announced": 60}, "test_token_lives_its_announced_lifetime"),
    breach(
        "wrong-password-2xx",
        {"bad_login_status": 200},
        "test_wrong_password_is_refused",
        "test_unknown_user_is_refused",
        TOKEN_CONFORMS,
    ),
    breach(
        "refusal-carries-token",
        {"token_with_refusal": True},
        "test_wrong_password_is_refused",
        "test_unknown_user_is_refused",
    ),
    # rfc
    breach("no-cache-control", {"cache_control": None}, "test_token_response_is_not_stored"),
    breach("cache-control-no-cache", {"cache_control": "no-cache"}, "test_token_response_is_not_stored"),
    breach("error-body-not-json", {"bad_login_body": None}, "test_bad_credentials_error_is_json"),
    breach(
        "error-without-error-member",
        {"bad_login_body": {"message": "no"}},
        "test_bad_credentials_error_is_json",
    ),
    breach("error-code-empty", {"bad_login_body": {"error": ""}}, "test_bad_credentials_error_is_json"),
    breach("error-code-null", {"bad_login_body": {"error": None}}, "test_bad_credentials_error_is_json"),
    breach(
        "error-code-object",
        {"bad_login_body": {"error": {"code": 401, "message": "Bad credentials"}}},
        "test_bad_credentials_error_is_json",
    ),
    breach(
        "error-code-with-a-quote",
        {"bad_login_body": {"error": 'invalid "grant"'}},
        "test_bad_credentials_error_is_json",
    ),
    breach(
        "error-code-not-ascii",
        {"bad_login_body": {"error": "identifiants_invalidés"}},
        "test_bad_credentials_error_is_json",
    ),
    breach("basic-challenge", {"challenge": 'Basic realm="x"'}, "test_protected_401_has_bearer_challenge"),
    breach(
        "expired-401-without-challenge",
        {"expired_challenge": None},
        "test_protected_401_has_bearer_challenge",
        "test_every_401_has_a_challenge",
    ),
    breach(
        "expired-401-basic-challenge",
        {"expired_challenge": 'Basic realm="x"'},
        "test_protected_401_has_bearer_challenge",
    ),
    breach(
        "no-challenge",
        {"challenge": None},
        "test_protected_401_has_bearer_challenge",
        "test_every_401_has_a_challenge",
        "test_unknown_token_gets_invalid_token",  # advisory: no challenge, so no error code either
    ),
    breach(
        "token-401-without-challenge",
        {"bad_login_status": 401, "bad_login_challenge": False},
        "test_every_401_has_a_challenge",
    ),
    breach("case-sensitive-scheme", {"scheme": "Bearer"}, "test_scheme_is_case_insensitive"),
    breach("bearer-alone-500", {"empty_bearer_status": 500}, "test_bearer_without_token_is_refused"),
    breach("malformed-500", {"malformed_status": 500}, "test_malformed_token_is_refused"),
    breach("short-hex-token", {"new_token": lambda: secrets.token_hex(12)}, "test_token_carries_128_bits"),
    # schemathesis alone
    breach("crash-on-odd-username", {"crash_on_odd_username": True}, TOKEN_CONFORMS),
]

ADVISORY_BREACHES = [
    breach("no-error-code", {"invalid_token_error": False}, "test_unknown_token_gets_invalid_token"),
    breach("no-pragma", {"pragma": None}, "test_token_response_has_pragma_no_cache"),
    breach("other-scheme-accepted", {"other_scheme_accepted": True}, "test_other_scheme_is_refused"),
    breach("token-by-get", {"on_get": "token"}, "test_token_endpoint_refuses_get"),
    breach("password-echoed", {"echo_password": ("wrong password",)}, "test_password_is_not_echoed"),
    breach(
        "password-echoed-to-unknown-user", {"echo_password": ("unknown user",)}, "test_password_is_not_echoed"
    ),
    breach(
        "password-echoed-url-encoded-on-success",
        {"echo_password": ("success",), "echo_spelling": quote_plus},
        "test_password_is_not_echoed",
    ),
    breach(
        "password-echoed-html-escaped-to-get",
        {"echo_password": ("get",), "echo_spelling": html.escape},
        "test_password_is_not_echoed",
    ),
]


@pytest.mark.parametrize(("changes", "failing", "env"), BREACHES)
def test_breach_fails_its_check(
    suite: SuiteRunner, changes: dict[str, Any], failing: set[str], env: dict[str, str]
) -> None:
    outcome = suite.run(Platform(**changes), env=env)
    caught = outcome.failed | outcome.advisory
    assert sorted(caught) == sorted(failing), f"caught: {sorted(caught)}\n{outcome.text}"


@pytest.mark.parametrize(("changes", "failing", "env"), ADVISORY_BREACHES)
def test_advisory_breach_fails_with_advisory_fail(
    suite: SuiteRunner, changes: dict[str, Any], failing: set[str], env: dict[str, str]
) -> None:
    outcome = suite.run(Platform(**changes), "--advisory=fail", env=env)
    assert sorted(outcome.failed) == sorted(failing), f"failed: {sorted(outcome.failed)}\n{outcome.text}"
    assert not outcome.advisory


def test_expired_token_given_without_a_challenge_fails_both_challenge_checks(suite: SuiteRunner) -> None:
    """The answer to CONTRACT_EXPIRED_TOKEN, with no waiting, is checked for its challenge too."""
    platform = Platform(expired_challenge=None)
    expired = platform.mint_expired(suite.clock)
    outcome = suite.run(platform, env={"CONTRACT_EXPIRED_TOKEN": expired, "CONTRACT_EXPIRY_WAIT": None})
    assert outcome.failed == {"test_protected_401_has_bearer_challenge", "test_every_401_has_a_challenge"}, (
        outcome.text
    )
    assert "expired token: a 401 with" in outcome.text


def test_a_token_ending_in_a_newline_fails_its_check_and_breaks_nothing(suite: SuiteRunner) -> None:
    """The b64token check names the breach; the checks that must send the token say why they cannot."""
    outcome = suite.run(Platform(new_token=lambda: secrets.token_urlsafe(32) + "\n"))
    assert "test_access_token_is_b64token" in outcome.failed, outcome.text
    assert "test_fresh_token_is_accepted" in outcome.failed
    assert "no Authorization header can carry it" in outcome.text
    assert "InvalidHeader" not in outcome.text
