"""`authcontract compare`: the same probes to the bundled mock and to a platform, differences side by side."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from xml.etree import ElementTree

import pytest

import authcontract
from authcontract.cli import main
from mockserver import MockServer, Settings
from tests.suite.mistakes import MISTAKES, Mistake
from tests.suite.targets import FakeClock, Platform, platform_app, serve

from .platforms import LeakyPlatform, leaky_app
from .test_check import secret_forms


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONTRACT_BASE_URL", "CONTRACT_USERNAME", "CONTRACT_PASSWORD", "CONTRACT_PROTECTED_PATH"):
        monkeypatch.delenv(name, raising=False)


def use_platform(monkeypatch: pytest.MonkeyPatch, username: str, password: str) -> None:
    monkeypatch.setenv("CONTRACT_USERNAME", username)
    monkeypatch.setenv("CONTRACT_PASSWORD", password)
    monkeypatch.setenv("CONTRACT_PROTECTED_PATH", "/me")


def levels(out: str) -> dict[tuple[str, str], tuple[str, str, str]]:
    """{(probe, fact): (level, mock, platform)} from the table's rows, whichever group they are in;
    a blank probe cell repeats the one above."""
    found, probe = {}, ""
    for line in out.splitlines():
        level = line[:8].strip()
        if level not in ("contract", "rfc", "cosmetic"):
            continue  # the headings, an explaining line (└), the summary
        probe = line[10:42].strip() or probe
        fact, mock, platform = line[44:68].strip(), line[70:118].strip(), line[120:].strip()
        found[(probe, fact)] = (level, mock, platform)
    return found


def rows(out: str) -> dict[tuple[str, str], tuple[str, str]]:
    """{(probe, fact): (mock, platform)} from the table."""
    return {key: (mock, platform) for key, (_, mock, platform) in levels(out).items()}


def test_the_mock_against_itself_is_the_same(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    use_platform(monkeypatch, "demo", "demo-password")
    with MockServer(Settings(log_requests=False)) as platform:
        status = main(["compare", "--base-url", platform.url])
    out = capsys.readouterr().out
    assert status == 0, out
    assert out.splitlines()[-1] == "SAME: 0 of 11 probes answered differently (0 differences)"


def test_a_differently_configured_mock_shows_its_differences(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    use_platform(monkeypatch, "demo", "demo-password")
    config = tmp_path / "mock.toml"
    config.write_text("[mockserver]\ninvalid-grant-status = 401\n", encoding="utf-8")
    with MockServer(Settings(log_requests=False)) as platform:
        status = main(["compare", "--base-url", platform.url, "--mock-config", str(config)])
    out = capsys.readouterr().out
    assert status == 1
    found = rows(out)
    assert found[("login, wrong password", "status")] == ("401", "400")
    assert found[("login, unknown user", "status")] == ("401", "400")
    assert out.splitlines()[-1].startswith("DRIFT: 2 of 11 probes answered differently")


def test_a_breaching_platform_differs_where_it_breaches_and_nothing_secret_is_shown(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    platform = LeakyPlatform()
    use_platform(monkeypatch, platform.username, platform.password)
    with MockServer(app=leaky_app(platform)) as server:
        status = main(["compare", "--base-url", server.url])
    captured = capsys.readouterr()
    assert status == 1
    found = rows(captured.out)
    assert found[("login", "header Cache-Control")] == ("no-store", "(absent)")
    assert found[("login", "body.password")] == ("(absent)", "string")
    assert found[("login", "body.scope")] == ("string", "(absent)")
    assert found[("protected, no Authorization", "header WWW-Authenticate")] == ("Bearer", "(absent)")
    assert found[("protected, malformed token", "status")] == ("400", "401")
    assert found[("protected, malformed token", "body.error")] == (
        'string "invalid_request"',
        'string "invalid_token"',
    )
    assert ("protected, valid token", "status") not in found
    everything = captured.out + captured.err
    assert platform.issued
    assert platform.password not in everything
    assert not [token for token in platform.issued if token[:16] in everything]


def test_credentials_the_platform_refuses_give_no_verdict_not_drift(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    use_platform(monkeypatch, "demo", "wrong-password-secret")
    with MockServer(Settings(log_requests=False)) as platform:
        url = platform.url
        status = main(["compare", "--base-url", url])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert captured.err.startswith(
        "authcontract compare: no verdict: the configured login was refused: POST "
        f"{url}/authorization answered 400 BAD REQUEST, error=invalid_grant"
    )
    assert "wrong-password-secret" not in captured.out + captured.err


def test_an_unreachable_platform_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    use_platform(monkeypatch, "qa", "unreachable-password")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    status = main(["compare", "--base-url", url])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert captured.err.startswith(
        "authcontract compare: no verdict: the target is unreachable: transport error on POST "
        f"{url}/authorization after 3 attempts: ConnectionError"
    )
    assert "unreachable-password" not in captured.err


def test_compare_needs_a_platform(capsys: pytest.CaptureFixture) -> None:
    assert main(["compare"]) == 2
    assert capsys.readouterr().err.startswith("authcontract compare: compare needs a platform")


@pytest.mark.parametrize("mistake", MISTAKES, ids=[mistake.name for mistake in MISTAKES])
def test_compare_and_check_say_the_same_of_each_settings_mistake(
    mistake: Mistake, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    said = {}
    with mistake.served() as settings:
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        for command in ("check", "compare"):
            status = main([command])
            captured = capsys.readouterr()
            assert (status, captured.out) == (2, ""), captured.err
            said[command] = captured.err.removeprefix(f"authcontract {command}: ")
    assert said["compare"] == said["check"]
    assert said["check"].startswith("no verdict: ")
    assert mistake.answer in said["check"]
    assert said["check"].rstrip("\n").endswith(mistake.setting)


def aspects(document: dict) -> dict[tuple[str, str], dict]:
    return {
        (probe["probe"], item["aspect"]): item for probe in document["probes"] for item in probe["aspects"]
    }


def test_a_five_second_token_against_the_mocks_3600_is_drift_in_range(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    platform = Platform(ttl=5)
    use_platform(monkeypatch, platform.username, platform.password)
    with serve(platform_app(platform, FakeClock())) as url:
        status = main(["compare", "--base-url", url, "--json", str(tmp_path / "drift.json")])
    out = capsys.readouterr().out
    assert status == 1, out
    assert rows(out)[("login", "expires_in (seconds)")] == ("3600", "5")
    assert "└ range: 5 s is under the 60 s a client may refresh ahead of expiry" in out
    found = aspects(json.loads((tmp_path / "drift.json").read_text(encoding="utf-8")))
    lifetime = found[("login", "expires_in (seconds)")]
    assert (lifetime["mock"], lifetime["platform"], lifetime["same"], lifetime["difference"]) == (
        "3600",
        "5",
        False,
        "range",
    )
    assert found[("login", "body.expires_in")]["same"]  # both integers: the type alone hid it


@pytest.mark.parametrize(
    ("platform", "fact", "expected"),
    [
        (
            Platform(token_type="bearer"),
            "body.token_type",
            ('string "Bearer"', 'string "bearer"', "spelling"),
        ),
        (Platform(token_type="MAC"), "body.token_type", ('string "Bearer"', 'string "MAC"', "different")),
        (Platform(ttl=86400), "expires_in (seconds)", ("3600", "86400", "range")),
        (Platform(extra_fields={"scope": "read"}), "body.scope", None),
        (Platform(), "body.scope", ("string", "(absent)", "presence")),
        (Platform(ttl=3000), "expires_in (seconds)", None),  # an allowed variation: a client does not notice
        (Platform(ttl=7200), "expires_in (seconds)", None),
    ],
    ids=["bearer-lower-case", "mac", "a-day", "scope-present", "scope-absent", "3000-s", "7200-s"],
)
def test_values_a_client_depends_on_are_compared_by_their_rule(
    platform: Platform,
    fact: str,
    expected: tuple[str, str, str] | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    tmp_path: Path,
) -> None:
    use_platform(monkeypatch, platform.username, platform.password)
    with serve(platform_app(platform, FakeClock())) as url:
        main(["compare", "--base-url", url, "--json", str(tmp_path / "drift.json")])
    capsys.readouterr()
    item = aspects(json.loads((tmp_path / "drift.json").read_text(encoding="utf-8")))[("login", fact)]
    if expected is None:
        assert item["same"], item
        assert item["difference"] is None
    else:
        assert (item["mock"], item["platform"], item["difference"]) == expected
        assert not item["same"]


def test_the_three_reports_are_written_valid_and_redacted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    platform = LeakyPlatform()
    use_platform(monkeypatch, platform.username, platform.password)
    reports = tmp_path / "reports"
    json_file, junit_file, html_file = reports / "drift.json", reports / "drift.xml", reports / "drift.html"
    with MockServer(app=leaky_app(platform)) as server:
        url = server.url
        flags = ["--json", str(json_file), "--junitxml", str(junit_file), "--html", str(html_file)]
        status = main(["compare", "--base-url", url, *flags])
    out = capsys.readouterr().out
    assert status == 1
    document = json.loads(json_file.read_text(encoding="utf-8"))
    assert (document["command"], document["target"], document["exit_status"]) == ("compare", url, 1)
    assert document["version"] == authcontract.__version__
    assert document["verdict"]["result"] == "drift"
    assert document["verdict"]["line"] == out.splitlines()[-1]
    assert len(document["probes"]) == 11
    differing = [probe["probe"] for probe in document["probes"] if not probe["same"]]
    assert "login" in differing
    cache = aspects(document)[("login", "header Cache-Control")]
    assert (cache["mock"], cache["platform"], cache["difference"]) == ("no-store", "(absent)", "presence")
    assert (cache["severity"], cache["fails"], cache["accepted"]) == ("rfc", True, None)
    assert cache["clause"].startswith("RFC 6749 §5.1")
    assert document["verdict"]["counts"]["differing_probes"] == len(differing)
    failing = [
        probe["probe"] for probe in document["probes"] if any(item["fails"] for item in probe["aspects"])
    ]
    assert "login" in failing
    assert set(failing) < set(differing)  # some probes differ only cosmetically: they pass

    suite = ElementTree.parse(junit_file).getroot().find("testsuite")  # noqa: S314 - written above
    assert suite is not None
    cases = suite.findall("testcase")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("11", str(len(failing)), "0")
    assert [case.get("name") for case in cases if case.find("failure") is not None] == failing
    login_failure = cases[0].find("failure")
    assert login_failure is not None
    assert "header Cache-Control: mock no-store | platform (absent) (rfc, presence)" in (
        login_failure.text or ""
    )

    page = html_file.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('<tr class="differs">') == document["verdict"]["counts"]["differences"]
    assert page.count('<td class="failed">') == document["verdict"]["counts"]["failing"]
    assert "<td>rfc: RFC 6749 §5.1" in page
    assert "src=" not in page
    assert "href=" not in page
    assert "<script" not in page

    everything = out + json_file.read_text(encoding="utf-8") + junit_file.read_text(encoding="utf-8") + page
    assert platform.issued
    leaked = [form for form in secret_forms(platform.password) if form in everything]
    assert leaked == []
    assert platform.password_tail not in everything
    assert not [token for token in platform.issued if token[:16] in everything]


def test_the_mock_against_itself_writes_a_passing_junit_and_a_same_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    use_platform(monkeypatch, "demo", "demo-password")
    with MockServer(Settings(log_requests=False)) as platform:
        reports = ["--json", str(tmp_path / "d.json"), "--junitxml", str(tmp_path / "d.xml")]
        status = main(["compare", "--base-url", platform.url, *reports])
    capsys.readouterr()
    assert status == 0
    document = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert document["verdict"]["result"] == "same"
    assert all(item["same"] for item in aspects(document).values())
    suite = ElementTree.parse(tmp_path / "d.xml").getroot().find("testsuite")  # noqa: S314 - written above
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("11", "0")


def test_no_comparison_still_writes_its_reports_with_the_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    use_platform(monkeypatch, "qa", "unreachable-password")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    files = {flag: tmp_path / f"report.{flag[2:]}" for flag in ("--json", "--junitxml", "--html")}
    status = main(
        ["compare", "--base-url", url, *[part for flag, path in files.items() for part in (flag, str(path))]]
    )
    err = capsys.readouterr().err
    assert status == 2
    document = json.loads(files["--json"].read_text(encoding="utf-8"))
    assert document["exit_status"] == 2
    assert document["verdict"]["result"] == "none"
    assert err == f"authcontract compare: {document['verdict']['line']}\n"
    assert document["probes"] == []
    suite = ElementTree.parse(files["--junitxml"]).getroot().find("testsuite")  # noqa: S314 - written above
    assert suite is not None
    assert (suite.get("tests"), suite.get("errors")) == ("1", "1")
    assert "the target is unreachable" in files["--html"].read_text(encoding="utf-8")
    for path in files.values():
        assert "unreachable-password" not in path.read_text(encoding="utf-8")
