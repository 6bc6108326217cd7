"""Platforms that keep the contract in ways it allows pass the whole suite: no failure, skip or warning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contract_tests import expiry

from .conftest import SuiteRunner
from .targets import Platform, jwt_token

CHECKS = 35

ALLOWED = [
    pytest.param({"token_type": "bearer"}, {}, id="lowercase-token-type"),
    pytest.param({"bad_login_status": 401}, {}, id="401-for-bad-credentials"),
    pytest.param(
        {"extra_fields": {"scope": "accounts:read payments:read", "refresh_token": "r-" + "x" * 30}},
        {},
        id="scope-and-refresh-token",
    ),
    pytest.param({"content_type": "application/json; charset=utf-8"}, {}, id="charset-in-content-type"),
    pytest.param({"new_token": jwt_token}, {}, id="jwt-shaped-tokens"),
    pytest.param({"accepts": ("json",)}, {"CONTRACT_CREDENTIALS_IN": "json"}, id="json-credentials-only"),
    pytest.param({"accepts": ("query",)}, {"CONTRACT_CREDENTIALS_IN": "query"}, id="query-credentials-only"),
    pytest.param({"protected_status": 204}, {}, id="protected-path-204"),
    pytest.param(
        {"error_param": lambda error: '"' + error.replace("_", "\\_") + '"'},
        {},
        id="error-code-as-quoted-pairs",
    ),
    pytest.param(
        {"bad_login_body": {"error": "invalid_grant", "access_token": None}},
        {},
        id="refusal-with-null-access-token",
    ),
    pytest.param({"on_get": "page"}, {}, id="get-on-token-path-answers-a-sign-in-page"),
    pytest.param(
        {"malformed_status": 401, "empty_bearer_status": 400}, {}, id="malformed-token-401-bare-bearer-400"
    ),
    pytest.param(
        {"challenge": 'Basic realm="x", Bearer realm="proof"'}, {}, id="bearer-among-several-challenges"
    ),
    pytest.param({"login_latency": 0.6}, {}, id="logins-taking-0.6-s-each"),
    pytest.param({"header_limit": 8192, "oversized_status": 431}, {}, id="oversized-header-431"),
    pytest.param({"header_limit": 8192, "oversized_status": 400}, {}, id="oversized-header-400"),
    pytest.param({"header_limit": 8192, "oversized_status": 413}, {}, id="oversized-header-413"),
    pytest.param({"other_scheme_status": 400}, {}, id="other-schemes-refused-with-400"),
    pytest.param({"new_token": jwt_token, "decodes_jwt": True}, {}, id="jwt-decoded-before-lookup"),
    pytest.param(
        {"token_path": "/oauth/token", "required_params": {"grant_type": "password"}},
        {"CONTRACT_TOKEN_PARAMS": "grant_type=password"},
        id="oauth-token-path-with-grant-type",
    ),
    pytest.param(
        {
            "token_type": "bearer",
            "bad_login_status": 401,
            "extra_fields": {"scope": "read"},
            "content_type": "application/json;charset=UTF-8",
            "new_token": jwt_token,
            "accepts": ("json",),
            "protected_status": 204,
            "token_path": "/oauth/token",
            "protected_path": "/api/v1/accounts",
            "required_params": {"grant_type": "password", "client_id": "qa"},
        },
        {"CONTRACT_CREDENTIALS_IN": "json", "CONTRACT_TOKEN_PARAMS": "grant_type=password&client_id=qa"},
        id="all-at-once",
    ),
]


@pytest.mark.parametrize(("changes", "env"), ALLOWED)
def test_allowed_variant_passes(suite: SuiteRunner, changes: dict[str, Any], env: dict[str, str]) -> None:
    outcome = suite.run(Platform(**changes), env=env)
    assert outcome.ret == 0, outcome.text
    assert (outcome.failed, outcome.other_skips, outcome.advisory) == (set(), {}, set()), outcome.text
    assert len(outcome.passed) == CHECKS, outcome.text


def test_a_known_expired_token_is_used_without_waiting(suite: SuiteRunner) -> None:
    """CONTRACT_EXPIRED_TOKEN replaces waiting; the early-death check then says what would enable it."""
    platform = Platform()
    expired = platform.mint_expired(suite.clock)
    outcome = suite.run(platform, env={"CONTRACT_EXPIRED_TOKEN": expired, "CONTRACT_EXPIRY_WAIT": None})
    assert "test_expired_token_is_refused" in outcome.passed
    assert outcome.failed == set()
    assert list(outcome.other_skips) == ["test_token_lives_its_announced_lifetime"]
    assert "CONTRACT_EXPIRY_WAIT" in outcome.other_skips["test_token_lives_its_announced_lifetime"]


def test_a_known_expired_token_that_is_accepted_fails(suite: SuiteRunner) -> None:
    platform = Platform()
    platform.issued.append("still-valid-" + "v" * 30)
    platform.expires_at["still-valid-" + "v" * 30] = float("inf")
    outcome = suite.run(
        platform, env={"CONTRACT_EXPIRED_TOKEN": "still-valid-" + "v" * 30, "CONTRACT_EXPIRY_WAIT": None}
    )
    assert outcome.failed == {"test_expired_token_is_refused"}, outcome.text


def test_without_a_way_to_expire_both_expiry_checks_skip_naming_the_variables(suite: SuiteRunner) -> None:
    outcome = suite.run(Platform(), env={"CONTRACT_EXPIRY_WAIT": None})
    assert outcome.failed == set()
    assert set(outcome.other_skips) == {
        "test_expired_token_is_refused",
        "test_token_lives_its_announced_lifetime",
    }
    assert "CONTRACT_EXPIRED_TOKEN" in outcome.other_skips["test_expired_token_is_refused"]
    assert "CONTRACT_EXPIRY_WAIT" in outcome.other_skips["test_expired_token_is_refused"]
    assert "CONTRACT_EXPIRY_WAIT" in outcome.other_skips["test_token_lives_its_announced_lifetime"]
    assert "3 skipped" in outcome.text


def test_profile_and_options_drive_a_live_run(suite: SuiteRunner, tmp_path: Path) -> None:
    """Non-secret settings from a --contract-profile and options; credentials from the environment only."""
    platform = Platform(
        token_path="/oauth/token", protected_path="/api/me", required_params={"grant_type": "password"}
    )
    profile = tmp_path / "staging.toml"
    profile.write_text('[contract]\ntoken-path = "/oauth/token"\ntoken-params = "grant_type=password"\n')
    outcome = suite.run(
        platform,
        f"--contract-profile={profile}",
        "--protected-path=/api/me",
        env={"CONTRACT_TOKEN_PATH": None, "CONTRACT_PROTECTED_PATH": None},
    )
    assert outcome.ret == 0, outcome.text
    assert len(outcome.passed) == CHECKS
    assert "token path /oauth/token" in outcome.text


@pytest.mark.parametrize("ttl", [3, 60])
def test_whole_second_expiry_passes(suite: SuiteRunner, ttl: int) -> None:
    """exp = floor(iat) + expires_in: issued at x.9 s, a token may live only expires_in - 0.9 s."""
    suite.clock.sleep(0.9)
    outcome = suite.run(Platform(ttl=ttl, whole_seconds=True))
    assert (outcome.failed, outcome.other_skips, outcome.advisory) == (set(), {}, set()), outcome.text


def test_whole_second_expiry_of_one_second_skips_the_early_death_check(suite: SuiteRunner) -> None:
    suite.clock.sleep(0.9)
    outcome = suite.run(Platform(ttl=1, whole_seconds=True))
    assert (outcome.failed, outcome.advisory) == (set(), set()), outcome.text
    assert list(outcome.other_skips) == ["test_token_lives_its_announced_lifetime"]
    assert "whole seconds" in outcome.other_skips["test_token_lives_its_announced_lifetime"]


def test_an_expires_in_too_large_for_a_float_is_too_long_to_wait_for(suite: SuiteRunner) -> None:
    outcome = suite.run(Platform(announced=10**400))
    assert (outcome.failed, outcome.errors) == (set(), {}), outcome.text
    assert set(outcome.other_skips) == {
        "test_expired_token_is_refused",
        "test_token_lives_its_announced_lifetime",
    }
    assert all("CONTRACT_EXPIRY_WAIT" in reason for reason in outcome.other_skips.values()), (
        outcome.other_skips
    )


def test_the_expired_answer_costs_one_wait(suite: SuiteRunner) -> None:
    """The expiry check and the two challenge checks read one expired answer: the clock moves once."""
    ttl = 600
    start = suite.clock.now()
    outcome = suite.run(Platform(ttl=ttl), "-k", "not test_token_lives_its_announced_lifetime")
    assert {"test_expired_token_is_refused", "test_every_401_has_a_challenge"} <= outcome.passed, outcome.text
    assert ttl < suite.clock.now() - start < 2 * ttl


PREFLIGHT_LOGINS = 1  # the run's pre-flight logs in once before any check (contract_tests/preflight.py)


def test_slow_logins_get_as_many_logins_as_it_takes_to_share_a_second(suite: SuiteRunner) -> None:
    """At 0.6 s a login, 5 back-to-back logins span 3 s and touch at most 4 seconds: two share one."""
    platform = Platform(login_latency=0.6)
    outcome = suite.run(platform, "-k", "test_logins_give_distinct_tokens")
    assert outcome.passed == {"test_logins_give_distinct_tokens"}, outcome.text
    assert platform.logins.count("ok") == PREFLIGHT_LOGINS + 5


def test_fast_logins_take_three_logins(suite: SuiteRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the real clock a burst of fast logins lasts well under a second: 3 logins, 2 seconds at most."""
    monkeypatch.setattr(expiry, "CLOCK", expiry.RealClock())
    platform = Platform()
    outcome = suite.run(platform, "-k", "test_logins_give_distinct_tokens")
    assert outcome.passed == {"test_logins_give_distinct_tokens"}, outcome.text
    assert platform.logins.count("ok") == PREFLIGHT_LOGINS + 3
