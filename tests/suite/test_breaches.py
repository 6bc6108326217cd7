"""For each check, a platform that breaks exactly its clause makes that check fail, and only the checks
whose clause it breaks.

Where the breach shows in the OpenAPI contract too, the schemathesis conformance test fails with the
named check; the expected set says so explicitly.
"""

from __future__ import annotations

import html
import math
import secrets
import time
from typing import Any
from urllib.parse import quote_plus

import pytest

from contract_tests import expiry

from .conftest import SuiteRunner
from .targets import Platform

TOKEN_CONFORMS = "test_token_endpoint_conforms"
CHALLENGE = "test_every_refusal_has_a_bearer_challenge"
STATUSES = "test_refusals_have_the_recommended_status"
INVALID_GRANT = "test_bad_credentials_get_invalid_grant"
NO_ERROR_CODE = "test_no_credentials_challenge_has_no_error_code"
OTHER_SCHEMES = "test_other_schemes_are_refused"
SCHEME_CASE = "test_scheme_is_case_insensitive"
OVERSIZED = "test_oversized_authorization_gets_a_4xx"
# every refusal of the protected path a 403: what some frameworks send for any authentication failure
ALL_403 = {
    "missing_header_status": 403,
    "unknown_token_status": 403,
    "expired_status": 403,
    "empty_bearer_status": 403,
    "malformed_status": 403,
    "other_scheme_status": 403,
}


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
    breach("same-token-twice", {"reuse_token": True}, "test_logins_give_distinct_tokens"),
    breach(
        "only-lowercase-scheme",
        {"scheme": "bearer"},
        "test_fresh_token_is_accepted",
        "test_token_lives_its_announced_lifetime",
        "test_unknown_token_gets_invalid_token",  # advisory: `Bearer <unknown>` refused as another scheme
    ),
    breach(
        "unknown-token-200",
        {"unknown_token_status": 200},
        "test_unknown_token_is_refused",
        "test_unknown_token_gets_invalid_token",  # advisory: a 200 carries no error code
    ),
    breach("other-scheme-accepted", {"other_scheme_accepted": True}, OTHER_SCHEMES),
    breach("basic-scheme-accepted", {"accepted_schemes": ("Basic",)}, OTHER_SCHEMES),
    breach("token-scheme-accepted", {"accepted_schemes": ("Token",)}, OTHER_SCHEMES),
    breach("bearer-without-space-accepted", {"glued_bearer": True}, OTHER_SCHEMES),
    breach("other-scheme-500", {"other_scheme_status": 500}, OTHER_SCHEMES),
    breach("expired-token-accepted", {"ttl": float("inf"), "announced": 60}, "test_expired_token_is_refused"),
    breach("expired-token-2xx-error", {"expired_status": 200}, "test_expired_token_is_refused"),
    breach("token-dies-early", {"ttl": 20, "announced": 60}, "test_token_lives_its_announced_lifetime"),
    breach(
        "incomplete-login-500",
        {"incomplete_login_status": 500, "incomplete_login_body": "Internal Server Error"},
        "test_incomplete_login_is_refused",
    ),
    breach(
        "incomplete-login-issues-token",
        {"incomplete_login_status": 200, "incomplete_login_body": {"access_token": "t" * 40}},
        "test_incomplete_login_is_refused",
    ),
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
    breach(
        "error-body-not-json", {"bad_login_body": None}, "test_bad_credentials_error_is_json", INVALID_GRANT
    ),
    breach(
        "error-without-error-member",
        {"bad_login_body": {"message": "no"}},
        "test_bad_credentials_error_is_json",
        INVALID_GRANT,
    ),
    breach(
        "error-code-empty",
        {"bad_login_body": {"error": ""}},
        "test_bad_credentials_error_is_json",
        INVALID_GRANT,
    ),
    breach(
        "error-code-null",
        {"bad_login_body": {"error": None}},
        "test_bad_credentials_error_is_json",
        INVALID_GRANT,
    ),
    breach(
        "error-code-object",
        {"bad_login_body": {"error": {"code": 401, "message": "Bad credentials"}}},
        "test_bad_credentials_error_is_json",
        INVALID_GRANT,
    ),
    breach(
        "error-code-with-a-quote",
        {"bad_login_body": {"error": 'invalid "grant"'}},
        "test_bad_credentials_error_is_json",
        INVALID_GRANT,
    ),
    breach(
        "error-code-not-ascii",
        {"bad_login_body": {"error": "identifiants_invalidés"}},
        "test_bad_credentials_error_is_json",
        INVALID_GRANT,
    ),
    breach(
        "incomplete-login-422-without-error",
        {"incomplete_login_status": 422, "incomplete_login_body": {"detail": "field required"}},
        "test_bad_credentials_error_is_json",
        "test_incomplete_login_gets_invalid_request",  # advisory: 422, and no invalid_request
    ),
    breach("basic-challenge", {"challenge": 'Basic realm="x"'}, CHALLENGE),
    breach(
        "challenge-only-on-401", {"challenge_only_on_401": True}, CHALLENGE
    ),  # the 400 to malformed tokens
    breach(
        "bare-403-refusals",
        {**ALL_403, "challenge_only_on_401": True},
        CHALLENGE,
        "test_refusals_have_the_recommended_status",  # advisory: 403
        "test_unknown_token_gets_invalid_token",  # advisory: no challenge, so no error code either
    ),
    breach(
        "expired-401-without-challenge",
        {"expired_challenge": None},
        CHALLENGE,
        "test_every_401_has_a_challenge",
    ),
    breach(
        "expired-401-basic-challenge",
        {"expired_challenge": 'Basic realm="x"'},
        CHALLENGE,
    ),
    breach(
        "no-challenge",
        {"challenge": None},
        CHALLENGE,
        "test_every_401_has_a_challenge",
        "test_unknown_token_gets_invalid_token",  # advisory: no challenge, so no error code either
    ),
    breach(
        "token-401-without-challenge",
        {"bad_login_status": 401, "bad_login_challenge": False},
        "test_every_401_has_a_challenge",
    ),
    breach("bearer-alone-500", {"empty_bearer_status": 500}, "test_bearer_without_token_is_refused"),
    breach("malformed-500", {"malformed_status": 500}, "test_malformed_token_is_refused"),
    breach("short-hex-token", {"new_token": lambda: secrets.token_hex(12)}, "test_token_carries_128_bits"),
    breach("case-sensitive-scheme", {"scheme": "Bearer"}, SCHEME_CASE),
    breach("oversized-header-500", {"header_limit": 8192, "oversized_status": 500}, OVERSIZED),
    # schemathesis alone
    breach("crash-on-odd-username", {"crash_on_odd_username": True}, TOKEN_CONFORMS),
]

ADVISORY_BREACHES = [
    breach("no-header-403", {"missing_header_status": 403}, STATUSES),
    breach("refusals-403-with-bearer-challenge", ALL_403, STATUSES),
    breach("malformed-token-403", {"malformed_status": 403}, STATUSES),
    breach("wrong-password-invalid-request", {"bad_login_body": {"error": "invalid_request"}}, INVALID_GRANT),
    breach(
        "wrong-password-401-invalid-client",
        {"bad_login_status": 401, "bad_login_body": {"error": "invalid_client"}},
        INVALID_GRANT,
    ),
    breach(
        "incomplete-login-422", {"incomplete_login_status": 422}, "test_incomplete_login_gets_invalid_request"
    ),
    breach(
        "incomplete-login-401-invalid-grant",
        {"incomplete_login_status": 401, "incomplete_login_body": {"error": "invalid_grant"}},
        "test_incomplete_login_gets_invalid_request",
    ),
    breach("error-code-on-no-credentials", {"no_credentials_error": "invalid_token"}, NO_ERROR_CODE),
    breach(
        "error-code-on-no-credentials-request", {"no_credentials_error": "invalid_request"}, NO_ERROR_CODE
    ),
    breach(
        "query-token-accepted",
        {"query_tokens": True},
        "test_query_string_token_is_refused",
        "test_query_string_acceptance_is_private",
    ),
    breach(
        "query-token-accepted-privately",
        {"query_tokens": True, "query_cache_control": "private"},
        "test_query_string_token_is_refused",
    ),
    breach("no-error-code", {"invalid_token_error": False}, "test_unknown_token_gets_invalid_token"),
    breach("no-pragma", {"pragma": None}, "test_token_response_has_pragma_no_cache"),
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


@pytest.mark.parametrize(
    ("changes", "check", "tier"),
    [
        pytest.param({"scheme": "Bearer"}, SCHEME_CASE, "rfc", id="lowercase-bearer-refused"),
        pytest.param({"header_limit": 8192, "oversized_status": 500}, OVERSIZED, "rfc", id="oversized-500"),
        pytest.param({"accepted_schemes": ("Basic",)}, OTHER_SCHEMES, "contract", id="basic-accepted"),
    ],
)
def test_the_last_gaps_fail_by_default_at_their_tier(
    suite: SuiteRunner, changes: dict[str, Any], check: str, tier: str
) -> None:
    """Issue 25: no advisory warning but a failure, exit 1, at the tier docs/contract.md gives."""
    outcome = suite.run(Platform(**changes))
    assert (outcome.ret, outcome.failed, outcome.advisory) == (1, {check}, set()), outcome.text
    assert f"[{tier}] " in outcome.text


def test_the_other_schemes_failure_says_what_the_platform_did_with_each(suite: SuiteRunner) -> None:
    platform = Platform(accepted_schemes=("Basic",), other_scheme_status=400)
    outcome = suite.run(platform)
    assert outcome.failed == {OTHER_SCHEMES}, outcome.text
    assert "Basic <token>: accepted (200 OK)" in outcome.text
    assert "Token <token>: refused (400 BAD REQUEST)" in outcome.text
    assert "Bearer<token> (no space): refused (400 BAD REQUEST)" in outcome.text
    assert "Authorization: Basic ***" in outcome.text  # the accepted exchange, its token masked
    assert not any(token in outcome.text for token in platform.issued)


def test_a_token_glued_to_bearer_is_masked_in_the_failure(suite: SuiteRunner) -> None:
    platform = Platform(glued_bearer=True)
    outcome = suite.run(platform)
    assert outcome.failed == {OTHER_SCHEMES}, outcome.text
    assert "Bearer<token> (no space): accepted (200 OK)" in outcome.text
    assert "Authorization: Bearer***" in outcome.text
    assert not any(token[:12] in outcome.text for token in platform.issued)


def test_expired_token_given_without_a_challenge_fails_both_challenge_checks(suite: SuiteRunner) -> None:
    """The answer to CONTRACT_EXPIRED_TOKEN, with no waiting, is checked for its challenge too."""
    platform = Platform(expired_challenge=None)
    expired = platform.mint_expired(suite.clock)
    outcome = suite.run(platform, env={"CONTRACT_EXPIRED_TOKEN": expired, "CONTRACT_EXPIRY_WAIT": None})
    assert outcome.failed == {CHALLENGE, "test_every_401_has_a_challenge"}, outcome.text
    assert "expired token: a refusal with WWW-Authenticate: Bearer" in outcome.text


def test_a_token_ending_in_a_newline_fails_its_check_and_breaks_nothing(suite: SuiteRunner) -> None:
    """The b64token check names the breach; the checks that must send the token say why they cannot."""
    outcome = suite.run(Platform(new_token=lambda: secrets.token_urlsafe(32) + "\n"))
    assert "test_access_token_is_b64token" in outcome.failed, outcome.text
    assert "test_fresh_token_is_accepted" in outcome.failed
    assert "no Authorization header can carry it" in outcome.text
    assert "InvalidHeader" not in outcome.text


def test_a_bare_403_refusal_fails_rfc_only_for_the_missing_challenge(suite: SuiteRunner) -> None:
    """403 is a refusal (contract kept) at a status RFC 6750 does not recommend (advisory); the Bearer
    challenge it lacks is the one MUST it breaks, and is named on the 403 itself."""
    outcome = suite.run(Platform(**ALL_403, challenge_only_on_401=True))
    assert outcome.failed == {CHALLENGE}, outcome.text
    assert outcome.advisory == {STATUSES, "test_unknown_token_gets_invalid_token"}, outcome.text
    assert outcome.ret == pytest.ExitCode.TESTS_FAILED
    assert "[rfc] Every refusal of the protected path carries `WWW-Authenticate`" in outcome.text
    for probe in (
        "no Authorization header",
        "unknown token",
        "expired token",
        "malformed token (inner space)",
    ):
        assert f"{probe}: 403 FORBIDDEN, no WWW-Authenticate" in outcome.text


@pytest.mark.parametrize(
    ("changes", "warned"),
    [
        pytest.param(ALL_403, STATUSES, id="refusals-403-with-bearer-challenge"),
        pytest.param(
            {"bad_login_body": {"error": "invalid_request"}},
            INVALID_GRANT,
            id="wrong-password-invalid-request",
        ),
        pytest.param(
            {"no_credentials_error": "invalid_token"}, NO_ERROR_CODE, id="error-code-on-no-credentials"
        ),
    ],
)
def test_an_advisory_breach_passes_by_default_with_a_warning(
    suite: SuiteRunner, changes: dict[str, Any], warned: str
) -> None:
    outcome = suite.run(Platform(**changes))
    assert (outcome.ret, outcome.failed, outcome.advisory) == (0, set(), {warned}), outcome.text
    assert "[advisory]" in outcome.text


def test_invalid_grant_check_shows_the_code_received(suite: SuiteRunner) -> None:
    outcome = suite.run(Platform(bad_login_body={"error": "invalid_request"}), "--advisory=fail")
    assert "error 'invalid_request'" in outcome.text, outcome.text


def test_a_5xx_to_a_login_missing_its_password_fails_contract(suite: SuiteRunner) -> None:
    """Answered with a crash, the incomplete login is a contract failure, and nothing else."""
    platform = Platform(incomplete_login_status=500, incomplete_login_body="Internal Server Error")
    outcome = suite.run(platform, "--advisory=fail")
    assert outcome.failed == {"test_incomplete_login_is_refused"}, outcome.text
    assert "[contract] A login missing its password, or its username" in outcome.text
    assert "login without a password: a 4xx status" in outcome.text


def _at_phase(suite: SuiteRunner, phase: float) -> None:
    """Move the shared clock to `phase` past the next whole second."""
    now = suite.clock.now()
    suite.clock.sleep(math.floor(now) + 1 + phase - now)


def test_second_granular_tokens_fail_every_run(suite: SuiteRunner) -> None:
    """Tokens made of the user and the current second, from a platform whose logins take 0.45 s: two
    logins in a row may fall in different seconds, or not, by the phase they start at. Started at ten
    phases of the second, the check fails every time."""
    platform = Platform(token_of_second=suite.clock.now, login_latency=0.45)
    for tenth in range(10):
        _at_phase(suite, tenth / 10)
        outcome = suite.run(platform, "-k", "test_logins_give_distinct_tokens")
        assert outcome.failed == {"test_logins_give_distinct_tokens"}, f"phase {tenth / 10}: {outcome.text}"
        assert "logins sent back to back within" in outcome.text
        assert "returned the same access_token" in outcome.text


def test_second_granular_tokens_on_the_real_clock_fail_every_run(
    suite: SuiteRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same platform on wall-clock seconds, timed by the suite's real clock: ten runs, ten failures."""
    monkeypatch.setattr(expiry, "CLOCK", expiry.RealClock())
    platform = Platform(token_of_second=time.time)
    for run in range(10):
        outcome = suite.run(platform, "-k", "test_logins_give_distinct_tokens")
        assert outcome.failed == {"test_logins_give_distinct_tokens"}, f"run {run}: {outcome.text}"
