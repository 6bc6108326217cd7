"""The user's own settings mistakes give no verdict: one line naming the setting and the platform's answer.

A wrong password, missing token parameters, a wrong base URL, a wrong protected path and an
unreachable target each stop the run before any check, with the "no verdict" exit status; a fresh
token refused on a path that exists is still a contract failure.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from flask import Flask

from contract_tests.plugin import EXIT_NO_VERDICT

from .conftest import Outcome, SuiteRunner
from .mistakes import needs_grant_type, refuses_every_token
from .targets import FakeClock, Platform, platform_app, serve

App = Callable[[Platform, FakeClock], Flask]


def run(suite: SuiteRunner, platform: Platform, app: App = platform_app, **env: str | None) -> Outcome:
    with serve(app(platform, suite.clock)) as base_url:
        settings = suite.env(platform, base_url)
        settings.update(
            {name: value.replace("{url}", base_url) if value else value for name, value in env.items()}
        )
        return suite.run_live(settings)


def stop_line(outcome: Outcome) -> str:
    """The one line that stopped the run, and proof that nothing else was judged."""
    lines = [line for line in outcome.text.splitlines() if "no verdict:" in line]
    assert len(lines) == 1, outcome.text
    assert outcome.ret == EXIT_NO_VERDICT, outcome.text
    assert not outcome.passed | outcome.failed | set(outcome.errors), outcome.text
    assert "Traceback" not in outcome.text
    return lines[0]


@pytest.mark.parametrize(
    ("app", "env", "answer", "setting"),
    [
        pytest.param(
            platform_app,
            {"CONTRACT_PASSWORD": "wrong-pass-7f3a"},
            "answered 400 BAD REQUEST, error=invalid_grant",
            "check CONTRACT_USERNAME and CONTRACT_PASSWORD (environment or profile; no flag)",
            id="wrong-password",
        ),
        pytest.param(
            needs_grant_type,
            {},
            "answered 400 BAD REQUEST, error=unsupported_grant_type",
            "check CONTRACT_TOKEN_PARAMS (environment or profile; e.g. grant_type=password)",
            id="missing-token-params",
        ),
        pytest.param(
            platform_app,
            {"CONTRACT_BASE_URL": "{url}/api/v1"},
            "/api/v1/authorization answered 404 NOT FOUND;",
            "check --base-url (CONTRACT_BASE_URL) and --token-path (CONTRACT_TOKEN_PATH)",
            id="wrong-base-url",
        ),
        pytest.param(
            platform_app,
            {"CONTRACT_TOKEN_PATH": "/me"},
            "POST http://127.0.0.1:",
            "check --base-url (CONTRACT_BASE_URL) and --token-path (CONTRACT_TOKEN_PATH)",
            id="token-path-answers-405",
        ),
        pytest.param(
            platform_app,
            {"CONTRACT_PROTECTED_PATH": "/v1/accounts"},
            "GET http://127.0.0.1:",
            "answered 404 NOT FOUND to a fresh token; check --protected-path (CONTRACT_PROTECTED_PATH)",
            id="wrong-protected-path",
        ),
    ],
)
def test_a_settings_mistake_stops_the_run_with_one_line(
    suite: SuiteRunner, app: App, env: dict[str, str], answer: str, setting: str
) -> None:
    platform = Platform()
    line = stop_line(run(suite, platform, app, **env))
    assert answer in line
    assert line.rstrip(" !").endswith(setting), line
    assert platform.password not in line
    assert not [token for token in platform.issued if token in line]


def test_the_platforms_description_of_the_refusal_is_shown_redacted(suite: SuiteRunner) -> None:
    platform = Platform(echo_password=("wrong password",))  # its description repeats the password sent
    line = stop_line(run(suite, platform, CONTRACT_PASSWORD="wrong-pass-9c1d"))
    assert 'answered 400 BAD REQUEST, error=invalid_grant ("password *** seen"); check' in line
    assert "wrong-pass-9c1d" not in line


def test_an_unreachable_target_names_the_base_url(suite: SuiteRunner) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    line = stop_line(run(suite, Platform(), CONTRACT_BASE_URL=f"http://127.0.0.1:{closed_port}"))
    assert "the target is unreachable" in line
    assert "Connection refused" in line
    assert line.rstrip(" !").endswith("check --base-url (CONTRACT_BASE_URL)")


def test_a_fresh_token_refused_on_an_existing_path_is_a_contract_failure(suite: SuiteRunner) -> None:
    outcome = run(suite, Platform(), refuses_every_token)
    assert outcome.ret == 1, outcome.text
    assert "test_fresh_token_is_accepted" in outcome.failed
    assert "no verdict:" not in outcome.text


def test_a_login_that_needs_token_params_works_once_they_are_set(suite: SuiteRunner) -> None:
    outcome = run(suite, Platform(), needs_grant_type, CONTRACT_TOKEN_PARAMS="grant_type=password")
    assert "no verdict:" not in outcome.text
    assert "test_fresh_token_is_accepted" in outcome.passed, outcome.text
