"""`authcontract check` end to end: the console script, a real suite run, its table, verdict and reports.

Targets: the bundled mock (the default), a platform that breaks the contract and repeats secrets
back (platforms.py), a port where nothing listens. Each run is a real `authcontract` process.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote, quote_plus
from xml.etree import ElementTree

import pytest

import authcontract
from mockserver import MockServer, Settings
from tests.suite.mistakes import MISTAKES, Mistake
from tests.suite.targets import FakeClock, Platform, platform_app, serve

from .in_process import run_in_process
from .platforms import LeakyPlatform, leaky_app
from .terminal import converse, last_lines, on_a_terminal

AUTHCONTRACT = shutil.which("authcontract", path=str(Path(sys.executable).parent))
RUN_TIMEOUT = 180
QUICK_EXAMPLES = 3  # schemathesis cases per mode where a test asserts on reporting, not on fuzzing


def _environment(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "PYTEST_"))}
    return {**base, **extra}


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert AUTHCONTRACT is not None, "the authcontract console script is installed beside the interpreter"
    return subprocess.run(
        [AUTHCONTRACT, "check", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def secret_forms(secret: str) -> set[str]:
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        html.escape(secret),
        html.escape(secret, False),
    }


@pytest.mark.processes
def test_the_bundled_mock_passes_with_a_row_per_check_and_its_reports(tmp_path: Path) -> None:
    junit, report = tmp_path / "reports" / "contract.xml", tmp_path / "reports" / "contract.html"
    results = tmp_path / "reports" / "contract.json"
    reports = ("--junitxml", str(junit), "--html", str(report), "--json", str(results))
    # what is asserted is the table and the reports; the bundled mock at the full budget is
    # contract_tests/ itself, run in this same `make test`
    result = run(*reports, "--examples", str(QUICK_EXAMPLES), env=_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    suite = ElementTree.parse(junit).getroot().find("testsuite")  # noqa: S314 - written by the run above
    assert suite is not None
    assert suite.get("name") == "authcontract"
    assert (suite.get("failures"), suite.get("errors")) == ("0", "0")
    rows = [line for line in result.stdout.splitlines() if line.startswith("PASS ")]
    assert "SKIP    rfc       A target off the loopback is reached over https" in result.stdout  # loopback
    assert len(rows) + 1 == int(suite.get("tests", "0")) > 20
    assert "PASS    rfc       The token response carries `Cache-Control: no-store`." in result.stdout
    assert (
        result.stdout.rstrip()
        .splitlines()[-1]
        .startswith("PASS: the bundled mock keeps the contract in every")
    )
    page = report.read_text(encoding="utf-8")
    assert page.count('<tr class="passed">') == len(rows)
    assert "RFC 6749 §5.1: " in page  # the whole clause, not only its reference
    assert "<script" not in page
    assert "src=" not in page
    assert "href=" not in page
    document = json.loads(results.read_text(encoding="utf-8"))
    assert (document["command"], document["target"], document["exit_status"]) == (
        "check",
        "the bundled mock",
        0,
    )
    assert document["version"] == authcontract.__version__
    assert document["verdict"]["result"] == "pass"
    assert document["verdict"]["line"] == result.stdout.rstrip().splitlines()[-1]
    assert len(document["checks"]) == len(rows) + 1  # the passes and the loopback's skip
    statuses = [check["status"] for check in document["checks"]]
    assert (statuses.count("passed"), statuses.count("skipped")) == (len(rows), 1)
    assert {check["tier"] for check in document["checks"]} == {"contract", "rfc", "advisory"}
    no_store = next(
        c for c in document["checks"] if c["title"].startswith("The token response carries `Cache")
    )
    assert no_store["tier"] == "rfc"
    assert no_store["clause"].startswith("RFC 6749 §5.1: ")
    assert no_store["id"].endswith("::" + no_store["name"])
    assert no_store["message"] == ""


@pytest.mark.processes
def test_a_breaching_platform_fails_and_no_secret_reaches_any_output(tmp_path: Path) -> None:
    platform = LeakyPlatform()
    junit, report, results = tmp_path / "contract.xml", tmp_path / "contract.html", tmp_path / "contract.json"
    with MockServer(app=leaky_app(platform)) as server:
        url = server.url
        reports = ("--junitxml", str(junit), "--html", str(report), "--json", str(results))
        result = run(*reports, env=_environment(**platform.env(url)))
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "FAIL    rfc       The token response carries `Cache-Control: no-store`." in out
    assert "actual:   no Cache-Control header" in out
    assert "WARN    advisory  No answer of the token endpoint repeats the password" in out
    assert "SKIP    contract  An expired token: refused (no 2xx, no 5xx)." in out
    assert "needs CONTRACT_EXPIRED_TOKEN (environment or profile: a token known to be expired), or" in out
    verdict = re.fullmatch(
        rf"FAIL: (\d+) of (\d+) checks failed against {re.escape(url)} \(.*\)", out.splitlines()[-1]
    )
    assert verdict is not None
    assert int(verdict[1]) >= 3
    assert int(verdict[2]) == len(re.findall(r"^(?:PASS|FAIL|WARN|SKIP|ERROR) ", out, re.MULTILINE))
    assert "Every refusal of the protected path carries" in report.read_text(encoding="utf-8")
    document = json.loads(results.read_text(encoding="utf-8"))
    assert (document["target"], document["exit_status"], document["verdict"]["result"]) == (url, 1, "fail")
    checks = {check["title"]: check for check in document["checks"]}
    no_store = checks["The token response carries `Cache-Control: no-store`."]
    assert (no_store["status"], no_store["tier"]) == ("failed", "rfc")
    assert "actual:   no Cache-Control header" in no_store["message"]
    echo = next(
        check for title, check in checks.items() if title.startswith("No answer of the token endpoint")
    )
    assert (echo["status"], echo["label"], echo["tier"]) == ("warned", "WARN", "advisory")
    assert echo["message"]
    assert sum(check["status"] in ("failed", "error") for check in document["checks"]) == int(verdict[1])
    assert platform.issued, "the suite logged in"
    everything = out + result.stderr + junit.read_text(encoding="utf-8") + report.read_text(encoding="utf-8")
    everything += results.read_text(encoding="utf-8")
    assert "Pragma: no-cache" in everything  # the failures were written down, with their exchanges
    leaked = [f"password as {form!r}"[:12] for form in secret_forms(platform.password) if form in everything]
    leaked += ["the password's tail"] if platform.password_tail in everything else []
    leaked += [
        f"issued token #{index}" for index, token in enumerate(platform.issued) if token[:16] in everything
    ]
    assert leaked == []


@pytest.mark.processes
def test_missing_credentials_without_a_terminal_are_one_line_and_no_run() -> None:
    result = run("--base-url", "http://127.0.0.1:9", "--protected-path", "/me", env=_environment())
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "authcontract check: a live run against http://127.0.0.1:9 needs CONTRACT_USERNAME (environment or "
        "profile); CONTRACT_PASSWORD (environment or profile)"
    ]


@pytest.mark.processes
def test_an_unreachable_target_gives_no_verdict(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    password = "unreachable-secret-password"
    env = _environment(CONTRACT_USERNAME="qa", CONTRACT_PASSWORD=password, CONTRACT_PROTECTED_PATH="/me")
    results = tmp_path / "contract.json"
    result = run("--base-url", url, "--json", str(results), env=env)
    assert result.returncode == 2
    assert result.stdout == ""  # no table of dashes
    document = json.loads(results.read_text(encoding="utf-8"))
    assert (document["exit_status"], document["verdict"]["result"], document["checks"]) == (2, "none", [])
    assert result.stderr == f"authcontract check: {document['verdict']['line']}\n"
    assert document["target"] == url
    assert password not in results.read_text(encoding="utf-8")
    assert result.stderr.startswith(
        "authcontract check: no verdict: the target is unreachable: transport error on POST "
        f"{url}/authorization"
    )
    assert result.stderr.endswith("; check --base-url (CONTRACT_BASE_URL)\n")
    assert password not in result.stdout + result.stderr


@pytest.mark.processes
def test_credentials_are_asked_at_a_terminal_and_the_password_is_not_echoed() -> None:
    assert AUTHCONTRACT is not None
    with MockServer(Settings(log_requests=False)) as mock:
        command = [AUTHCONTRACT, "check", "--base-url", mock.url, "--protected-path", "/me", "-k", "bearer"]
        answers = {"CONTRACT_USERNAME (username on the platform): ": "demo"}
        answers["CONTRACT_PASSWORD (password on the platform): "] = "demo-password"
        status, transcript = converse(command, answers, _environment())
    assert status == 0, transcript
    assert "CONTRACT_PASSWORD (password on the platform):" in transcript
    assert "PASS    contract  A fresh token opens the protected path" in transcript
    assert "demo-password" not in transcript


def test_settings_become_the_suites_own_options_and_credentials_never_do(tmp_path: Path) -> None:
    from authcontract.cli import build_parser
    from authcontract.suite import suite_command

    args = build_parser().parse_args(
        [
            "check",
            "--base-url",
            "https://p.example",
            "--protected-path",
            "/me",
            "--timeout",
            "3",
            "--examples",
            "2",
            "-k",
            "bearer",
        ]
    )
    command = suite_command(args, tmp_path)
    pairs = dict(pairwise(command))
    assert pairs["--base-url"] == "https://p.example"
    assert pairs["--protected-path"] == "/me"
    assert pairs["--contract-timeout"] == "3"
    assert pairs["--contract-examples"] == "2"
    assert pairs["-k"] == "bearer"
    assert pairs["-c"] == str(tmp_path / "pytest.ini")  # whatever ini file the caller's directory holds
    plugins = [value for option, value in pairwise(command) if option == "-p"]
    assert plugins == ["no:cacheprovider", "authcontract.recorder", "no:schemathesis", "no:faker", "no:anyio"]
    assert not [part for part in command if "password" in part.lower() or "username" in part.lower()]


@pytest.mark.processes
def test_a_platform_that_answers_503_gets_no_verdict_rather_than_a_failure() -> None:
    unavailable = Settings(log_requests=False, faults=({"path": "/me", "status": 503},))
    with MockServer(unavailable) as platform:
        url = platform.url
        env = _environment(
            CONTRACT_USERNAME="demo", CONTRACT_PASSWORD="demo-password", CONTRACT_PROTECTED_PATH="/me"
        )
        result = run("--base-url", url, "-k", "bearer or token_type", env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "N/V     contract  A fresh token opens the protected path" in result.stdout
    assert "target error: the target is unavailable: 503" in result.stdout
    assert "PASS    contract  token_type is Bearer" in result.stdout
    verdict = result.stdout.splitlines()[-1]
    assert re.match(
        rf"NO VERDICT: [1-9]\d* of \d+ checks met a target error against {re.escape(url)}, ", verdict
    )


@pytest.fixture
def no_contract_settings(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in [name for name in os.environ if name.startswith(("CONTRACT_", "PYTEST_"))]:
        monkeypatch.delenv(name)
    return monkeypatch


def check_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], settings: dict[str, str], *args: str
) -> tuple[int, str, str]:
    """`authcontract check` run by its main(), in this process: stopped before the suite, it starts none."""
    return run_in_process(monkeypatch, capsys, settings, "check", *args)


@pytest.mark.parametrize("mistake", MISTAKES, ids=[mistake.name for mistake in MISTAKES])
def test_a_settings_mistake_is_one_line_naming_the_setting_and_the_answer(
    mistake: Mistake, no_contract_settings: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with mistake.served() as settings:
        status, out, err = check_in_process(no_contract_settings, capsys, settings)
    assert (status, out) == (2, ""), err  # no table, no verdict
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("authcontract check: no verdict: ")
    assert mistake.answer in lines[0]
    assert lines[0].endswith(mistake.setting)
    assert settings["CONTRACT_PASSWORD"] not in err
    assert not [token for token in mistake.platform.issued if token in err]


def test_a_settings_mistake_is_in_the_json_report_with_exit_2_and_redacted(
    no_contract_settings: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mistake = next(mistake for mistake in MISTAKES if "CONTRACT_PASSWORD" in mistake.setting)
    results = tmp_path / "check.json"
    with mistake.served() as settings:
        status, _, err = check_in_process(no_contract_settings, capsys, settings, "--json", str(results))
    text = results.read_text(encoding="utf-8")
    document = json.loads(text)
    assert status == document["exit_status"] == 2
    assert (document["command"], document["verdict"]["result"], document["checks"]) == ("check", "none", [])
    assert document["target"] == settings["CONTRACT_BASE_URL"]
    assert err == f"authcontract check: {document['verdict']['line']}\n"
    assert document["verdict"]["line"].startswith("no verdict: ")
    assert settings["CONTRACT_PASSWORD"] not in text


def test_the_json_report_never_carries_credentials_written_into_the_base_url(
    no_contract_settings: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    results = tmp_path / "check.json"
    settings = {"CONTRACT_USERNAME": "qa", "CONTRACT_PASSWORD": "pw-in-env-9f3a"}
    url = "http://qa:url-secret-77b1@127.0.0.1:9"
    status, _, _ = check_in_process(
        no_contract_settings, capsys, settings, "--base-url", url, "--json", str(results)
    )
    document = json.loads(results.read_text(encoding="utf-8"))
    assert status == 2
    assert document["target"] == "http://127.0.0.1:9"
    assert "url-secret-77b1" not in results.read_text(encoding="utf-8")  # anywhere in the report


@pytest.mark.processes
def test_the_bundled_mock_with_a_wrong_protected_path_stops_in_one_line_without_a_table() -> None:
    """The bundled mock's pre-flight is the suite's own, in the child run: its line is relayed alone."""
    result = run("--protected-path", "/v1/accounts", env=_environment())
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert re.fullmatch(
        r"authcontract check: no verdict: the protected path was not found: GET http://127\.0\.0\.1:\d+"
        r"/v1/accounts answered 404 NOT FOUND, error=not_found \(\"[^\n]*\"\) to a fresh token; "
        r"check --protected-path \(CONTRACT_PROTECTED_PATH\)\n",
        result.stderr,
    ), result.stderr


@pytest.mark.processes
@pytest.mark.parametrize(
    ("key", "line"),
    [
        (b"\x03", "authcontract check: interrupted (Ctrl-C): no verdict"),
        (b"\x04", "authcontract check: no answer at the credentials prompt: no verdict"),
    ],
    ids=["ctrl-c", "ctrl-d"],
)
def test_ctrl_c_or_ctrl_d_at_the_prompt_is_one_line_and_no_verdict(key: bytes, line: str) -> None:
    assert AUTHCONTRACT is not None
    command = [AUTHCONTRACT, "check", "--base-url", "http://127.0.0.1:9", "--protected-path", "/me"]
    status, transcript = on_a_terminal(command, _environment(), [("(username on the platform): ", key)])
    assert status == 2, transcript
    assert "Traceback" not in transcript
    assert last_lines(transcript)[-1] == line, transcript
    assert "RESULT" not in transcript


@pytest.mark.processes
def test_ctrl_c_while_waiting_for_expiry_is_one_line_and_no_verdict() -> None:
    """A terminal's Ctrl-C reaches `check` and its suite alike: both end, with one line and no table."""
    assert AUTHCONTRACT is not None
    platform = Platform(ttl=30)  # the suite may wait 60 s: it waits 31 s for the token to expire
    with serve(platform_app(platform, FakeClock())) as url:
        env = _environment(
            CONTRACT_USERNAME=platform.username,
            CONTRACT_PASSWORD=platform.password,
            CONTRACT_EXPIRY_WAIT="60",
        )
        command = [AUTHCONTRACT, "check", "--base-url", url, "--protected-path", "/me", "-k", "expired_token"]
        status, transcript = on_a_terminal(command, env, [("waiting 31 s for a token to expire", b"\x03")])
    assert status == 2, transcript
    assert "Traceback" not in transcript
    assert "KeyboardInterrupt" not in transcript
    lines = last_lines(transcript)
    assert lines[-1] == "authcontract check: interrupted (Ctrl-C): no verdict", transcript
    assert lines[-2].startswith("authcontract: waiting 31 s"), transcript  # nothing else in between
    assert "RESULT" not in transcript
    assert platform.password not in transcript


@pytest.mark.processes
def test_the_password_password_alters_no_title_or_expectation_and_is_no_echo(tmp_path: Path) -> None:
    """The table, the JUnit XML and the HTML keep the suite's words whole; tokens stay masked."""
    platform = Platform(
        password="password",
        bad_login_status=500,  # fails "A wrong password gets a 4xx", whose title and expectation name it
        bad_login_body={"error": "invalid_grant", "error_description": "the username or password is wrong"},
    )
    junit, report = tmp_path / "contract.xml", tmp_path / "contract.html"
    with serve(platform_app(platform, FakeClock())) as url:
        env = _environment(CONTRACT_USERNAME=platform.username, CONTRACT_PASSWORD="password")
        result = run(
            "--base-url", url, "--protected-path", "/me", "-k", "password or wrong or conforms",
            "--junitxml", str(junit), "--html", str(report), env=env,
        )  # fmt: skip
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "FAIL    contract  A wrong password gets a 4xx and no access_token." in out
    assert "└ expected: the valid username with a wrong password: a 4xx status and no access_token in" in out
    assert "PASS    advisory  No answer of the token endpoint repeats the password" in out
    assert "WARN" not in out
    page = report.read_text(encoding="utf-8")
    assert "A wrong password gets a 4xx and no access_token." in page
    assert "you must provide the username and password that you use" in page  # the clause, whole
    cases = {case.get("name"): case for case in ElementTree.parse(junit).getroot().iter("testcase")}  # noqa: S314
    assert {"test_wrong_password_is_refused", "test_password_is_not_echoed"} <= set(cases)
    failure = cases["test_wrong_password_is_refused"].find("failure")
    assert failure is not None
    assert "[contract] A wrong password gets a 4xx" in (failure.text or "")
    everything = out + result.stderr + junit.read_text(encoding="utf-8") + page
    assert platform.issued
    assert not [token for token in platform.issued if token[:16] in everything]


def test_ca_bundle_is_passed_on_to_the_suite(tmp_path: Path) -> None:
    from authcontract.cli import build_parser
    from authcontract.suite import suite_command

    args = build_parser().parse_args(["check", "--ca-bundle", "/etc/team/ca.pem"])
    assert dict(pairwise(suite_command(args, tmp_path)))["--ca-bundle"] == "/etc/team/ca.pem"


@pytest.mark.processes
def test_an_https_platform_is_checked_with_the_ca_bundle_given() -> None:
    """The pre-flight here and every request of the suite (schemathesis's too) trust the bundle."""
    with MockServer(Settings(tls=True, log_requests=False)) as platform:
        url = platform.url
        env = _environment(
            CONTRACT_USERNAME="demo", CONTRACT_PASSWORD="demo-password", CONTRACT_PROTECTED_PATH="/me"
        )
        result = run(
            "--base-url",
            platform.url,
            "--ca-bundle",
            str(platform.ca_bundle),
            "-k",
            "tls or schemathesis",
            env=env,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS    rfc       A target off the loopback is reached over https" in result.stdout
    assert "PASS    contract  The token endpoint answers as the OpenAPI contract" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith(f"PASS: {url} keeps the contract (")


@pytest.mark.processes
def test_an_https_platform_without_its_ca_bundle_is_one_line_and_no_verdict() -> None:
    with MockServer(Settings(tls=True, log_requests=False)) as platform:
        env = _environment(
            CONTRACT_USERNAME="demo", CONTRACT_PASSWORD="demo-password", CONTRACT_PROTECTED_PATH="/me"
        )
        url = platform.url
        result = run("--base-url", url, env=env)
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert result.stderr == (
        "authcontract check: no verdict: the target's certificate is not trusted (certificate verify failed: "
        f"unable to get local issuer certificate) on POST {url}/authorization; "
        "check --ca-bundle (CONTRACT_CA_BUNDLE)\n"
    )


@pytest.mark.processes
def test_a_ca_bundle_that_is_no_file_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "ca.pem"
    result = run("--ca-bundle", str(missing), env=_environment())
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"authcontract check: CONTRACT_CA_BUNDLE must be a file of PEM certificates: {missing} is none\n"
    )
