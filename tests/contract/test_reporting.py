"""What a run shows: advisory warnings, one clear line for a bad configuration, and never a secret."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from urllib.parse import quote, quote_plus

from contract_tests.plugin import LIVE_BUDGET

from .conftest import SuiteRunner
from .targets import Platform

LEAKY = {
    "token_type": "MAC",
    "announced": "60",
    "echo_password": ("wrong password", "unknown user", "success", "get"),
    "echo_authorization": True,
    "unknown_token_status": 200,
    "other_scheme_accepted": True,
    "cache_control": None,
    "crash_on_odd_username": True,
}


def secret_forms(value: str) -> set[str]:
    return {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}


def test_advisory_failures_are_warnings_by_default(suite: SuiteRunner) -> None:
    outcome = suite.run(Platform(pragma=None))
    assert outcome.ret == 0, outcome.text
    assert outcome.failed == set()
    assert outcome.advisory == {"test_token_response_has_pragma_no_cache"}
    assert "AdvisoryWarning" in outcome.text
    assert "Pragma: no-cache" in outcome.text
    assert "1 advisory" in outcome.text
    assert "--advisory=fail" in outcome.text


def test_no_secret_reaches_terminal_junit_or_logs(suite: SuiteRunner, tmp_path: Path) -> None:
    platform = Platform(**LEAKY)
    report = tmp_path / "report.xml"
    outcome = suite.run(
        platform,
        f"--junitxml={report}",
        "-o",
        "junit_logging=all",
        "-o",
        "junit_log_passing_tests=true",
        "--log-level=DEBUG",
        "--log-cli-level=DEBUG",
        "-rA",
        "-vv",
        "--showlocals",
        "--tb=long",
        "--advisory=fail",
        env={"CONTRACT_CREDENTIALS_IN": "query"},
    )
    assert len(outcome.failed) >= 8, outcome.text
    assert len(platform.issued) >= 5
    outputs = {"terminal": outcome.text, "junit": report.read_text(encoding="utf-8")}
    assert "urllib3" in outputs["terminal"]  # the logs were captured and shown
    for secret in [platform.password, *platform.issued]:
        for where, text in outputs.items():
            leaked = sum(form in text for form in secret_forms(secret))
            assert leaked == 0, f"a secret appears in the {where} output"


def test_missing_protected_path_stops_with_one_line(suite: SuiteRunner) -> None:
    platform = Platform()
    outcome = suite.run(platform, env={"CONTRACT_PROTECTED_PATH": None})
    lines = [line for line in outcome.text.splitlines() if "CONTRACT_PROTECTED_PATH" in line]
    assert outcome.ret == 4
    assert len(lines) == 1, outcome.text
    assert lines[0].startswith("Exit: contract suite: a live run against http://127.0.0.1:")
    assert "Traceback" not in outcome.text
    assert platform.password not in outcome.text
    assert not outcome.passed | outcome.failed


def test_unreachable_target_stops_with_one_line(suite: SuiteRunner) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    platform = Platform()
    outcome = suite.run(platform, env={"CONTRACT_BASE_URL": f"http://127.0.0.1:{closed_port}"})
    lines = [line for line in outcome.text.splitlines() if "unreachable" in line]
    assert outcome.ret == 3
    assert len(lines) == 1, outcome.text
    assert "Connection refused" in lines[0]
    assert "Traceback" not in outcome.text
    assert platform.password not in outcome.text
    assert not outcome.passed | outcome.failed


def test_a_live_run_is_gentle_with_the_account(suite: SuiteRunner) -> None:
    """One wrong password for the real account per run, and a bounded number of logins overall."""
    platform = Platform()
    outcome = suite.run(platform)
    assert outcome.ret == 0, outcome.text
    failed = [login for login in platform.logins if login not in ("ok", "invalid")]
    assert platform.logins.count("wrong password") == 1, platform.logins
    assert len(failed) <= 2 + LIVE_BUDGET.examples, platform.logins  # the probes, then schemathesis's
    assert platform.logins.count("invalid") == 2, platform.logins  # no username or no password: nothing tried
    assert platform.logins.count("ok") <= 10, platform.logins
