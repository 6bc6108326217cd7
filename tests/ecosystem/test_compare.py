"""`authcontract compare`: the same probes to the bundled mock and to a platform, differences side by side."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from authcontract.cli import main
from mockserver import MockServer, Settings
from tests.contract.mistakes import MISTAKES, Mistake

from .platforms import LeakyPlatform, leaky_app


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONTRACT_BASE_URL", "CONTRACT_USERNAME", "CONTRACT_PASSWORD", "CONTRACT_PROTECTED_PATH"):
        monkeypatch.delenv(name, raising=False)


def use_platform(monkeypatch: pytest.MonkeyPatch, username: str, password: str) -> None:
    monkeypatch.setenv("CONTRACT_USERNAME", username)
    monkeypatch.setenv("CONTRACT_PASSWORD", password)
    monkeypatch.setenv("CONTRACT_PROTECTED_PATH", "/me")


def rows(out: str) -> dict[tuple[str, str], tuple[str, str]]:
    """{(probe, fact): (mock, platform)} from the table; a blank probe cell repeats the one above."""
    found, probe = {}, ""
    for line in out.splitlines()[4:]:
        if not line.strip() or line.startswith(("SAME", "DRIFT", "(no")):
            continue
        probe = line[:32].strip() or probe
        fact, mock, platform = line[34:58].strip(), line[60:108].strip(), line[110:].strip()
        found[(probe, fact)] = (mock, platform)
    return found


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
    assert found[("protected, no Authorization", "header WWW-Authenticate")] == ("Bearer (realm)", "(absent)")
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
