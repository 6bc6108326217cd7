"""What a run shows: advisory warnings, one clear line for a bad configuration, and never a secret."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from urllib.parse import quote, quote_plus
from xml.etree import ElementTree

import pytest

from authcontract.suite import read_summary
from authcontract.table import render_table
from contract_tests import expiry, redaction
from contract_tests.plugin import LIVE_BUDGET
from contract_tests.redaction import Redactor

from .conftest import SuiteRunner
from .mistakes import without_expires_in
from .targets import FakeClock, Platform, serve

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


def test_advisory_failures_are_warnings_by_default(suite: SuiteRunner, tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    outcome = suite.run(Platform(pragma=None), f"--junitxml={report}")
    assert outcome.ret == 0, outcome.text
    assert outcome.failed == set()
    assert outcome.advisory == {"test_token_response_has_pragma_no_cache"}
    assert "AdvisoryWarning" in outcome.text
    assert "Pragma: no-cache" in outcome.text
    assert "1 advisory" in outcome.text
    assert "--advisory=fail" in outcome.text
    # in the JUnit XML, as CI viewers show it: a skipped testcase of type "warning", not a plain pass
    junit = ElementTree.parse(report).getroot()  # noqa: S314 - written by the run above
    suite_element = junit.find("testsuite")
    assert suite_element is not None
    warned = suite_element.find("testcase[@name='test_token_response_has_pragma_no_cache']")
    assert warned is not None
    warning = warned.find("skipped")
    assert warning is not None
    assert warning.get("type") == "warning"
    assert (warning.get("message") or "").startswith("WARN (advisory, reported as a warning): [advisory] ")
    assert "expected: Pragma: no-cache" in (warning.text or "")
    plain = suite_element.find("testcase[@name='test_token_type_is_bearer']")
    assert plain is not None
    assert list(plain) == []  # a pass stays a pass
    skipped = [case for case in suite_element.iter("testcase") if case.find("skipped") is not None]
    assert suite_element.get("skipped") == str(len(skipped))
    assert suite_element.get("failures") == "0"


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


def test_a_common_password_alters_no_title_or_expectation_and_raises_no_false_echo(
    suite: SuiteRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the password `password` the suite's words stay whole; prose holding the word is no echo."""
    monkeypatch.setattr(redaction, "REDACTOR", Redactor())  # `password` stays a secret of this test only
    platform = Platform(
        password="password",
        bad_login_status=500,  # fails "A wrong password gets a 4xx", whose title and expectation name it
        bad_login_body={"error": "invalid_grant", "error_description": "the username or password is wrong"},
    )
    report = tmp_path / "report.xml"
    outcome = suite.run(platform, f"--junitxml={report}", "-k", "password or wrong")
    assert outcome.failed == {"test_wrong_password_is_refused"}, outcome.text
    assert "test_password_is_not_echoed" in outcome.passed - outcome.advisory, outcome.text
    assert "[contract] A wrong password gets a 4xx and no access_token." in outcome.text
    assert "expected: the valid username with a wrong password: a 4xx status and no" in outcome.text
    junit = ElementTree.parse(report).getroot()  # noqa: S314 - written by the run above
    names = {case.get("name") for case in junit.iter("testcase")}
    assert {"test_wrong_password_is_refused", "test_password_is_not_echoed"} <= names
    failure = junit.find(".//testcase[@name='test_wrong_password_is_refused']/failure")
    assert failure is not None
    assert "A wrong password gets a 4xx" in (failure.text or "")
    assert "***" not in "".join(names)


def test_every_expiry_skip_names_the_flag_and_the_variable_that_enable_it(suite: SuiteRunner) -> None:
    only = ("-k", "expired or lifetime")
    with serve(without_expires_in(Platform(), suite.clock)) as url:
        unannounced = suite.run_live(suite.env(Platform(), url), *only).skipped
    assert unannounced["test_expired_token_is_refused"].endswith(
        "no usable expires_in, so no moment of expiry to wait for; "
        "set CONTRACT_EXPIRED_TOKEN (environment or profile: a token known to be expired)"
    )
    assert unannounced["test_token_lives_its_announced_lifetime"].endswith("; no setting enables this check")
    too_long = suite.run(Platform(ttl=60), *only, env={"CONTRACT_EXPIRY_WAIT": "5"}).skipped
    assert too_long["test_expired_token_is_refused"] == (
        "Skipped: needs CONTRACT_EXPIRED_TOKEN (environment or profile: a token known to be expired), or "
        "--expiry-wait (CONTRACT_EXPIRY_WAIT) of at least 60 s (the announced expires_in); "
        "the wait allowed is 5 s"
    )
    assert too_long["test_token_lives_its_announced_lifetime"].startswith(
        "Skipped: needs --expiry-wait (CONTRACT_EXPIRY_WAIT) of at least 60 s"
    )


def test_a_schemathesis_failure_shows_the_operation_the_check_and_the_answer_in_the_table(
    suite: SuiteRunner, tmp_path: Path
) -> None:
    record = tmp_path / "results.json"
    outcome = suite.run(
        Platform(crash_on_odd_username=True),
        "-k",
        "token_endpoint_conforms",
        "-p",
        "authcontract.recorder",
        f"--authcontract-record={record}",
    )
    assert outcome.failed == {"test_token_endpoint_conforms"}, outcome.text
    table = render_table(read_summary(tmp_path, "P"))
    shown = " ".join(line.strip(" └") for line in table.splitlines() if line.startswith(" " * 18))
    assert re.search(
        r"actual: +\d+ of \d+ requests did not: POST /authorization answered 500 INTERNAL SERVER ERROR "
        r'\{"error": "server_error"\}: Server error \(ST101\), Undocumented status code \(ST103\)',
        shown,
    ), table


class _CtrlC(FakeClock):
    """A clock whose first wait is cut short by Ctrl-C."""

    def sleep(self, seconds: float) -> None:
        raise KeyboardInterrupt


def test_ctrl_c_during_the_wait_for_expiry_ends_the_run_in_one_line(
    suite: SuiteRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(expiry, "CLOCK", _CtrlC())
    outcome = suite.run(Platform(ttl=30), "-k", "expired_token")
    assert outcome.ret == int(pytest.ExitCode.INTERRUPTED), outcome.text
    lines = [line for line in outcome.text.splitlines() if "interrupted" in line]
    assert len(lines) == 1, outcome.text
    assert "contract suite: interrupted while waiting 31 s for a token to expire: no verdict" in lines[0]
    assert "Traceback" not in outcome.text
    assert "KeyboardInterrupt" not in outcome.text
