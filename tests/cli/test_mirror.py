"""`compare --write-mock-config FILE`, then `compare --mock-config FILE`: the bundled mock, set from what
the platform answered, answers like it wherever a setting can say so, and what it cannot mirror is
listed with its reason, never dropped. Platforms: standard-library servers on loopback sockets."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from authcontract.cli import main
from authcontract.drift import compare_facts
from authcontract.mirror import mirror_settings, not_mirrored
from mockserver import load_settings

from .hostile import Hostile, hostile_platform
from .legit_platforms import Legit
from .test_compare import aspects
from .test_compare_gate import compare, cosmetic_only

ROUND_TRIPS = [
    pytest.param(Legit(bad_login_status=401), {"invalid-grant-status": 401}, id="401-invalid-grant"),
    pytest.param(Legit(ttl=86_400), {"token-ttl": 86_400}, id="a-day-long-token"),
    pytest.param(
        cosmetic_only(),
        {"realm": "staging", "token-scope": False, "error-descriptions": False, "error-cache-headers": False},
        id="cosmetic-only",
    ),
    pytest.param(
        Legit(bad_login_status=401, ttl=600, realm="api.example", scope=False, error_cache_headers=False),
        {"invalid-grant-status": 401, "token-ttl": 600, "realm": "api.example", "token-scope": False},
        id="several-at-once",
    ),
]


def not_mirrored_lines(out: str) -> list[str]:
    """The lines under `not mirrored (N):`, checked against N."""
    lines = out.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("not mirrored ("))
    count = int(re.findall(r"\d+", lines[start])[0])
    listed = [line.strip() for line in lines[start + 1 : start + 1 + count]]
    assert all(lines[start + 1 + index].startswith("  ") for index in range(count))
    return listed


@pytest.mark.parametrize(("platform", "expected"), ROUND_TRIPS)
def test_the_written_config_mirrors_the_platform_and_lists_what_it_cannot(
    platform: Legit,
    expected: dict[str, object],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    config = tmp_path / "mirror" / "mock.toml"
    compare(platform, monkeypatch, capsys)  # warm: the platform answered before the config is written
    _, out, _ = compare(platform, monkeypatch, capsys, "--write-mock-config", str(config))
    written = tomllib.loads(config.read_text(encoding="utf-8"))["mockserver"]
    assert expected.items() <= written.items()
    load_settings(config_file=config)  # the mock reads it: every value in range
    listed = not_mirrored_lines(out)

    report = tmp_path / "mirrored.json"
    status, out, _ = compare(
        platform, monkeypatch, capsys, "--mock-config", str(config), "--json", str(report)
    )
    assert status == 0, out
    left = [
        item for item in aspects(json.loads(report.read_text(encoding="utf-8"))).values() if not item["same"]
    ]
    assert [item["severity"] for item in left if item["fails"]] == []
    # what is left is exactly what --write-mock-config said it could not mirror, each with a reason
    assert len(left) == len(listed)
    for item, line in zip(left, listed, strict=True):
        assert line.startswith(f"{item['severity']}: ")
        assert f": {item['aspect']}: mock {item['mock']}, platform {item['platform']} (" in line
    comments = [line for line in config.read_text(encoding="utf-8").splitlines() if line.startswith("#   ")]
    assert [line.removeprefix("#   ") for line in comments] == (
        listed or ["nothing: the mock answers the probes as the platform does"]
    )


def test_what_the_mock_cannot_say_stays_drift_and_is_listed_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "mock.toml"
    platform = Legit(expires_in_text=True, ttl=7200)
    status, out, _ = compare(platform, monkeypatch, capsys, "--write-mock-config", str(config))
    assert status == 1
    assert tomllib.loads(config.read_text(encoding="utf-8"))["mockserver"]["token-ttl"] == 7200
    listed = not_mirrored_lines(out)
    assert (
        'contract: login: expires_in (seconds): mock 7200, platform "7200" '
        "(the mock's expires_in is a JSON number of whole seconds, 1 s to 100 years)"
    ) in listed
    status, out, _ = compare(platform, monkeypatch, capsys, "--mock-config", str(config))
    assert status == 1  # a string is a breach of type: no mock setting hides it


def test_mirror_settings_leave_alone_what_the_platform_does_two_ways() -> None:
    platform = {
        "login": {"status": "200", "body.access_token": "string", "expires_in (seconds)": "2.5"},
        "login, wrong password": {"status": "400", "body.error": "x", "body.error_description": "string"},
        "login, unknown user": {"status": "401", "body.error": "x", "header Cache-Control": "no-store"},
        "protected, no Authorization": {"status": "401", "challenge realm": 'a "quoted" realm'},
    }
    assert mirror_settings(platform) == {"token-scope": False}  # 2.5 s, two statuses, mixed, a quote


REFUSALS = "the mock refuses a login with 400 or 401 only, the same for every refusal"


def test_every_difference_left_gets_a_reason() -> None:
    mock = {"login": {"status": "200", "odd": "1"}, "login, unknown user": {"status": "400"}}
    platform = {"login": {"status": "500", "odd": "2"}, "login, unknown user": {"status": "403"}}
    reasons = {
        (entry.difference.probe, entry.difference.fact): entry.reason
        for entry in not_mirrored(compare_facts(mock, platform))
    }
    assert reasons == {
        ("login", "status"): "the mock answers a good login 200, with a token",
        ("login", "odd"): "the mock has no setting for it",
        (
            "login, unknown user",
            "status",
        ): "the mock refuses a login with 400 or 401 only, the same for every refusal",
    }


def test_the_config_file_holds_nothing_the_platform_could_use_to_break_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "mock.toml"
    platform = Legit(realm='evil\\"]\tport = 1')  # sent as a quoted pair: a quote the mock cannot say
    compare(platform, monkeypatch, capsys, "--write-mock-config", str(config))
    written = tomllib.loads(config.read_text(encoding="utf-8"))["mockserver"]
    assert "realm" not in written
    assert "port" not in written


def test_a_hostile_platforms_words_reach_the_config_and_the_terminal_escaped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """ESC, BEL, U+202E, U+2028 and a lone surrogate in its error codes: the not-mirrored lines show
    them as escapes, and the file stays TOML that the mock reads."""
    platform = Hostile()
    for name, value in platform.env("").items():
        monkeypatch.setenv(name, value)
    config = tmp_path / "mock.toml"
    with hostile_platform(platform) as url:
        status = main(["compare", "--base-url", url, "--write-mock-config", str(config)])
    out = capsys.readouterr().out
    assert status == 1
    text = config.read_text(encoding="utf-8")
    for raw in ("\x1b", "\x07", "\u202e", "\u2028", "\r"):
        assert raw not in out
        assert raw not in text
    assert "invalid_token\\u202e\\x1b[2J" in text
    assert any("\\x1b[2J" in line for line in not_mirrored_lines(out))
    tomllib.loads(text)
    load_settings(config_file=config)
    assert platform.password not in out + text
