"""The pieces behind `check`'s output: verdicts, table, HTML page, JUnit redaction, progress, prompts."""

from __future__ import annotations

import io
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from authcontract.credentials import ask_credentials, missing_credentials
from authcontract.drift import compare_facts, differences
from authcontract.html_report import render_drift_html, render_html
from authcontract.json_report import check_document, write_json
from authcontract.junit import Case, redact_junit, write_junit
from authcontract.progress import ProgressClock, steps
from authcontract.results import CheckResult, Summary
from authcontract.table import render_table

SECRET = "s3cret<&>\"'token-value"


def result(outcome: str, detail: str = "", level: str = "rfc") -> CheckResult:
    check = CheckResult(
        f"t.py::test_{outcome}", f"test_{outcome}", f"A check that {outcome}.", "RFC 6750 §3: text", level
    )
    check.record(outcome, detail, 0.25)
    return check


def mask(text: str) -> str:
    return text.replace(SECRET, "***")


@pytest.mark.parametrize(
    ("outcomes", "verdict", "status"),
    [
        (
            ["passed", "skipped", "warned"],
            "PASS: T keeps the contract in every check that ran "
            "(1 passed, 1 warned, 1 skipped; see why skipped)",
            "pass",
        ),
        (
            ["passed", "failed", "error"],
            "FAIL: 2 of 3 checks failed against T (1 passed, 1 failed, 1 error)",
            "fail",
        ),
        (["passed", "warned"], "PASS: T keeps the contract (1 passed, 1 warned)", "pass"),
        (["failed", "not run"], "FAIL: 1 of 2 checks failed against T (1 failed)", "fail"),
        (
            ["passed", "inconclusive"],
            "NO VERDICT: 1 of 2 checks met a target error against T, rerun when it is healthy "
            "(1 passed, 1 inconclusive)",
            "none",
        ),
        (["passed", "not run"], "NO VERDICT: the contract suite did not run to its end against T", "none"),
        ([], "NO VERDICT: the contract suite did not run to its end against T", "none"),
        (
            ["skipped", "skipped"],
            "NO VERDICT: no check ran to a verdict against T (2 skipped; see why skipped)",
            "none",
        ),
    ],
    ids=[
        "pass-with-skip-and-warning",
        "fail",
        "pass-with-every-check-run",
        "fail-in-a-stopped-run",
        "target-error",
        "stopped",
        "never-started",
        "every-check-skipped",
    ],
)
def test_the_verdict(outcomes: list[str], verdict: str, status: str) -> None:
    checks = [result(outcome) if outcome != "not run" else result("passed") for outcome in outcomes]
    for check, outcome in zip(checks, outcomes, strict=True):
        check.outcome = outcome
    summary = Summary("T", tuple(checks))
    assert summary.verdict() == verdict
    assert summary.status == status


def test_a_teardown_error_outranks_a_pass() -> None:
    check = result("passed")
    check.record("error", "teardown broke", 0.5)
    check.record("passed", "", 0.0)
    assert (check.outcome, check.detail, check.duration) == ("error", "teardown broke", 0.75)


def test_the_table_explains_failures_with_expected_and_actual_and_skips_with_their_reason() -> None:
    failure = "[rfc] name\nclause:   RFC\nexpected: a 401\nactual:   200 OK\nrequest:  GET /me"
    summary = Summary("T", (result("failed", failure), result("skipped", "needs CONTRACT_EXPIRY_WAIT")))
    lines = render_table(summary).splitlines()
    assert lines[4].startswith("FAIL    rfc       A check that failed.")
    assert lines[4].endswith("RFC 6750 §3")
    assert lines[5:7] == ["                  └ expected: a 401", "                    actual:   200 OK"]
    assert lines[8] == "                  └ needs CONTRACT_EXPIRY_WAIT"
    assert "request:" not in "\n".join(lines)


def test_the_html_page_redacts_before_escaping() -> None:
    summary = Summary("<T>", (result("failed", f"body: {SECRET} <script>alert(1)</script>"),))
    page = render_html(summary, mask)
    assert SECRET not in page
    assert "body: *** &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page
    assert "Target: &lt;T&gt;" in page
    assert '<tr class="failed"><td class="failed">FAIL</td>' in page


def test_junit_is_redacted_in_text_and_attributes_whatever_the_escaping(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    root = ElementTree.Element("testsuites")
    case = ElementTree.SubElement(root, "testcase", name="t", classname=SECRET)
    ElementTree.SubElement(case, "failure", message=f"sent {SECRET}").text = f"body {SECRET}"
    ElementTree.ElementTree(root).write(path, encoding="utf-8")
    assert "s3cret&lt;&amp;&gt;" in path.read_text(
        encoding="utf-8"
    )  # escaped, so a text search would miss it
    redact_junit(path, mask)
    text = path.read_text(encoding="utf-8")
    assert "s3cret" not in text
    failure = ElementTree.parse(path).getroot().find("testcase/failure")  # noqa: S314 - written above
    assert failure is not None
    assert (failure.get("message"), failure.text) == ("sent ***", "body ***")


class FakeClock:
    def __init__(self) -> None:
        self.time = 100.0

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.time += seconds


@pytest.mark.parametrize("total", [0.4, 2.5, 61, 3600])
def test_a_wait_is_slept_in_full_in_steps(total: float) -> None:
    assert sum(steps(total)) == pytest.approx(total)
    assert len(steps(total)) <= 10


def test_the_progress_clock_reports_each_step_and_moves_only_its_inner_clock() -> None:
    inner, lines = FakeClock(), []
    clock = ProgressClock(inner, lines.append)
    clock.sleep(61)
    assert inner.time == pytest.approx(161)
    assert clock.now() == inner.time
    assert lines[0] == "authcontract: waiting 61 s for a token to expire"
    assert lines[1] == "authcontract: waited 6 of 61 s (10%)"
    assert lines[-1] == "authcontract: waited 61 of 61 s (100%)"
    assert len(lines) == 11


def test_credentials_missing_from_environment_and_profile(tmp_path: Path) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text('[contract]\nusername = "qa"\n', encoding="utf-8")
    assert missing_credentials({}, None) == ["username", "password"]
    assert missing_credentials({}, profile) == ["password"]
    assert missing_credentials({"CONTRACT_PASSWORD": "x"}, profile) == []
    assert missing_credentials({"CONTRACT_USERNAME": "", "CONTRACT_PASSWORD": "x"}, None) == ["username"]


def test_only_the_password_is_asked_without_echo() -> None:
    asked, hidden = io.StringIO(), []

    def ask(question: str) -> str:
        asked.write(question)
        return "qa"

    def ask_secret(question: str) -> str:
        hidden.append(question)
        return "pw"

    answers = ask_credentials(["username", "password"], ask=ask, ask_secret=ask_secret)
    assert answers == {"CONTRACT_USERNAME": "qa", "CONTRACT_PASSWORD": "pw"}
    assert hidden == ["CONTRACT_PASSWORD (password on the platform): "]


def test_the_table_and_the_page_mask_values_never_the_suites_titles_and_clauses() -> None:
    check = CheckResult(
        "t.py::test_wrong_password",
        "test_wrong_password",
        "A wrong password gets a 4xx.",
        "RFC 6749 §5.2: invalid credentials (a wrong password)",
        "contract",
    )
    check.record("failed", "expected: a 4xx\nactual:   200, body 'password'", 0.1)
    summary = Summary("T", (check,))

    def mask(text: str) -> str:  # a password `password`, as the redaction of a run would know it
        return text.replace("password", "***")

    table = render_table(summary, mask)
    assert "FAIL    contract  A wrong password gets a 4xx." in table
    assert "actual:   200, body '***'" in table
    page = render_html(summary, mask)
    assert "A wrong password gets a 4xx." in page
    assert "invalid credentials (a wrong password)" in page
    assert "body &#x27;***&#x27;" in page


def test_the_json_report_redacts_each_value_before_escaping_and_keeps_the_suites_words(
    tmp_path: Path,
) -> None:
    failed = result("failed", f"expected: a 401\nactual:   200, body {SECRET}")
    summary = Summary("https://qa:pw@platform.example", (result("passed"), failed, result("warned", "W")))
    path = tmp_path / "out" / "check.json"
    write_json(path, check_document(summary, 1), mask)
    text = path.read_text(encoding="utf-8")
    assert "s3cret" not in text  # neither raw nor JSON-escaped (`\"`)
    document = json.loads(text)
    assert document["target"] == "https://platform.example"
    assert (document["exit_status"], document["verdict"]["result"]) == (1, "fail")
    assert document["verdict"]["counts"] == {"failed": 1, "passed": 1, "warned": 1}
    passed, failure, warning = document["checks"]
    assert passed["message"] == ""
    assert failure == {
        "id": "t.py::test_failed",
        "name": "test_failed",
        "title": "A check that failed.",
        "tier": "rfc",
        "status": "failed",
        "label": "FAIL",
        "clause": "RFC 6750 §3: text",
        "reference": "RFC 6750 §3",
        "message": "expected: a 401\nactual:   200, body ***",
        "duration": 0.25,
    }
    assert (warning["status"], warning["label"], warning["message"]) == ("warned", "WARN", "W")


@pytest.mark.parametrize(
    ("fact", "mock", "platform", "kind"),
    [
        ("expires_in (seconds)", "3600", "5", "range"),
        ("expires_in (seconds)", "3600", "59", "range"),
        ("expires_in (seconds)", "3600", "86400", "range"),
        ("expires_in (seconds)", "3600", "1800", None),
        ("expires_in (seconds)", "3600", "7200", None),
        ("expires_in (seconds)", "30", "45", None),
        ("expires_in (seconds)", "3600", "(absent)", "presence"),
        ("body.token_type", 'string "Bearer"', 'string "bearer"', "spelling"),
        ("body.token_type", 'string "Bearer"', 'string "MAC"', "different"),
        ("body.token_type", 'string "Bearer"', 'string "Bearer"', None),
        ("body.scope", "string", "(absent)", "presence"),
        ("status", "400", "401", "different"),
    ],
)
def test_each_fact_is_compared_by_its_rule(fact: str, mock: str, platform: str, kind: str | None) -> None:
    (compared,) = compare_facts({"login": {fact: mock}}, {"login": {fact: platform}})
    assert (compared.kind, compared.same) == (kind, kind is None)
    assert differences({"login": {fact: mock}}, {"login": {fact: platform}}) == (
        [] if kind is None else [compared]
    )


def test_compares_junit_counts_failures_and_errors_and_is_redacted(tmp_path: Path) -> None:
    path = tmp_path / "junit" / "drift.xml"
    cases = [
        Case("compare", "login", f"body: {SECRET}", failure=f"differs {SECRET}"),
        Case("compare", "protected", "same"),
        Case("compare", "stopped", "no answer", error="no verdict"),
    ]
    write_junit(path, "authcontract compare", cases, mask)
    assert "s3cret" not in path.read_text(encoding="utf-8")
    suite = ElementTree.parse(path).getroot().find("testsuite")  # noqa: S314 - written above
    assert suite is not None
    assert [suite.get(name) for name in ("name", "tests", "failures", "errors")] == [
        "authcontract compare",
        "3",
        "1",
        "1",
    ]
    failure = suite.find("testcase[@name='login']/failure")
    assert failure is not None
    assert (failure.get("message"), failure.text) == ("differs ***", "body: ***")


def test_the_drift_page_marks_differences_and_redacts_before_escaping() -> None:
    compared = compare_facts(
        {"login": {"status": "200", "expires_in (seconds)": "3600"}},
        {"login": {"status": "200", "expires_in (seconds)": f"5 {SECRET}"}},
    )
    page = render_drift_html(compared, "<T>", "DRIFT: 1 of 1 probes", mask)
    assert "s3cret" not in page
    assert page.count('<tr class="differs">') == 1
    assert page.count('<tr class="same">') == 1
    assert "Target: &lt;T&gt;" in page
    assert "<td>5 ***</td>" in page


def test_junit_stays_well_formed_whatever_the_platform_wrote(tmp_path: Path) -> None:
    """ESC, BEL, NUL, a lone surrogate, U+202E: escaped, so the file parses and shows them."""
    path = tmp_path / "compare.xml"
    hostile = "invalid_token\x1b[2J\x07\x00\ud800\u202e"
    write_junit(path, "s", [Case("compare", hostile, hostile, failure=hostile)], lambda text: text)
    case = ElementTree.parse(path).getroot().find("testsuite/testcase")  # noqa: S314 - written above
    assert case is not None
    assert case.get("name") == "invalid_token\\x1b[2J\\x07\\x00\\ud800\\u202e"
    failure = case.find("failure")
    assert failure is not None
    assert failure.text == failure.get("message") == case.get("name")


def test_the_json_and_html_reports_escape_control_characters(tmp_path: Path) -> None:
    result = CheckResult(
        "t.py::test_x", "test_x", "A title.", "RFC 1", "rfc", "failed", "actual: \x1b[2J\ud800"
    )
    summary = Summary("http://127.0.0.1:1", (result,))
    path = tmp_path / "r.json"
    write_json(path, check_document(summary, 1), lambda text: text)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["checks"][0]["message"] == "actual: \\x1b[2J\\ud800"
    page = render_html(summary, lambda text: text)
    assert "\x1b" not in page
    assert "actual: \\x1b[2J\\ud800" in page
    assert "\x1b" not in render_table(summary, width=100)


def _result(name: str, outcome: str, level: str, detail: str = "") -> CheckResult:
    title = f"The check {name} holds, in a title long enough to need more than one line of a narrow terminal."
    return CheckResult(
        f"contract_tests/t.py::{name}", name, title, "RFC 6749 §5.1: quoted", level, outcome, detail
    )


def test_the_table_puts_failures_first_by_tier_wraps_titles_and_shows_each_id() -> None:
    results = (
        _result("test_a", "warned", "advisory", "actual: a"),
        _result("test_b", "passed", "contract"),
        _result("test_c", "failed", "advisory", "actual: c"),
        _result("test_d", "failed", "rfc", "actual: d"),
        _result("test_e", "skipped", "rfc", "needs " + "a setting " * 30 + "to run."),
        _result("test_f", "failed", "contract", "actual: f"),
    )
    table = render_table(Summary("P", results), width=72)
    rows = [line.split()[0] for line in table.splitlines() if line[:1].isupper() and "  " in line]
    assert rows[1:] == ["FAIL", "FAIL", "FAIL", "WARN", "SKIP", "PASS"]  # after the header
    order = [
        name for name in ("test_f", "test_d", "test_c", "test_a", "test_e", "test_b") if f"[{name}]" in table
    ]
    assert (
        sorted(order, key=table.index)
        == order
        == ["test_f", "test_d", "test_c", "test_a", "test_e", "test_b"]
    )
    assert max(len(line) for line in table.splitlines()[:-1]) <= 72
    flat = " ".join(table.replace("└", " ").split())
    assert "need more than one line of a narrow terminal. [test_f]" in flat  # whole, never cut
    assert "…" not in table
    assert flat.count("a setting") == 30  # a skip's reason is whole


def test_a_target_that_went_away_is_one_line_not_a_block_per_check() -> None:
    gone = "target error: the target is unreachable: transport error on GET http://h/me after 3 attempts"
    results = (
        _result("test_a", "passed", "contract"),
        *(_result(f"test_g{i}", "inconclusive", "contract", gone) for i in range(14)),
    )
    table = render_table(Summary("P", results), width=100)
    assert table.count("transport error") == 1
    assert (
        "14 checks could not run: the target went away (the target is unreachable: transport error" in table
    )
    assert "[test_g3]" not in table
