"""`compare` as a CI gate: each difference has a severity, only contract and rfc ones fail (unless
`--fail-on`), and `--ignore` and `--baseline` accept known drift, so a nightly job fails on new drift only.

The platforms are standard-library servers (legit_platforms.py) on loopback sockets.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from authcontract.cli import main
from authcontract.drift import compare_facts
from authcontract.gate import add_gate_arguments, gate_from
from authcontract.severity import CONTRACT, COSMETIC, RFC, TABLE, severity_of

from .legit_platforms import Legit, serve_legit
from .test_compare import aspects, levels


def cosmetic_only() -> Legit:
    """A platform that keeps the contract and the RFCs and differs from the mock wherever it may."""
    return Legit(
        realm="staging",
        scope=False,
        descriptions=False,
        error_cache_headers=False,
        allow="POST",
        bare_error="missing_token",
    )


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONTRACT_BASE_URL", "CONTRACT_USERNAME", "CONTRACT_PASSWORD", "CONTRACT_PROTECTED_PATH"):
        monkeypatch.delenv(name, raising=False)


def compare(
    platform: Legit, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[int, str, str]:
    """`authcontract compare` against the platform, served for the call: (status, out, err)."""
    monkeypatch.setenv("CONTRACT_USERNAME", platform.username)
    monkeypatch.setenv("CONTRACT_PASSWORD", platform.password)
    monkeypatch.setenv("CONTRACT_PROTECTED_PATH", "/me")
    with serve_legit(platform) as url:
        status = main(["compare", "--base-url", url, *flags])
    captured = capsys.readouterr()
    assert platform.password not in captured.out + captured.err
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    ("probe", "fact", "kind", "tier"),
    [
        ("login, wrong password", "status", "different", CONTRACT),
        ("login", "body.access_token", "presence", CONTRACT),
        ("login", "expires_in (seconds)", "range", CONTRACT),
        ("login", "expires_in (seconds)", "type", CONTRACT),
        ("login", "body.token_type", "spelling", CONTRACT),
        ("login, unknown user", "body.error", "different", CONTRACT),
        ("protected, unknown token", "header WWW-Authenticate", "different", CONTRACT),
        ("login", "header Cache-Control", "presence", RFC),
        ("login by GET", "header Allow", "presence", RFC),
        ("login by GET", "header Allow", "different", COSMETIC),
        ("login, wrong password", "header Cache-Control", "presence", COSMETIC),
        ("protected, no Authorization", "header Pragma", "presence", COSMETIC),
        ("login", "body.scope", "presence", COSMETIC),
        ("protected, unknown token", "body.error_description", "presence", COSMETIC),
        ("protected, no Authorization", "body.error", "different", COSMETIC),
        ("protected, malformed token", "challenge realm", "different", COSMETIC),
        ("protected, malformed token", "challenge params", "different", COSMETIC),
        ("login", "a fact nobody listed", "different", CONTRACT),
    ],
)
def test_each_difference_takes_the_tier_of_the_clause_it_touches(
    probe: str, fact: str, kind: str, tier: str
) -> None:
    severity = severity_of(probe, fact, kind)
    assert severity.tier == tier
    assert severity.clause


def test_the_table_uses_only_the_three_tiers_and_cites_a_clause_on_every_row() -> None:
    assert {row.severity.tier for row in TABLE} == {CONTRACT, RFC, COSMETIC}
    assert all(row.severity.clause for row in TABLE)


def test_a_platform_that_differs_only_cosmetically_passes_and_lists_them_apart(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    reports = ["--json", str(tmp_path / "d.json"), "--junitxml", str(tmp_path / "d.xml")]
    status, out, _ = compare(
        cosmetic_only(), monkeypatch, capsys, *reports, "--html", str(tmp_path / "d.html")
    )
    assert status == 0, out
    found = levels(out)
    assert found, out
    assert {level for level, _, _ in found.values()} == {COSMETIC}
    assert found[("login", "body.scope")] == (COSMETIC, "string", "(absent)")
    assert found[("login by GET", "header Allow")] == (COSMETIC, "options, post", "post")
    assert found[("protected, no Authorization", "challenge realm")] == (
        COSMETIC,
        "authcontract-mock",
        "staging",
    )
    assert "differences listed, not failing (cosmetic; --fail-on cosmetic to fail on them):" in out
    assert out.splitlines()[-1] == (
        f"SAME: no difference fails the comparison ({len(found)} differences: 0 contract, 0 rfc, "
        f"{len(found)} cosmetic)"
    )
    document = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert (document["verdict"]["result"], document["exit_status"]) == ("same", 0)
    assert document["verdict"]["counts"]["cosmetic"] == len(found)
    differing = [item for item in aspects(document).values() if not item["same"]]
    assert {(item["severity"], item["fails"]) for item in differing} == {(COSMETIC, False)}
    suite = ElementTree.parse(tmp_path / "d.xml").getroot().find("testsuite")  # noqa: S314 - written above
    assert suite is not None
    assert suite.get("failures") == "0"
    assert "body.scope: mock string | platform (absent) (cosmetic, presence)" in ElementTree.tostring(
        suite, encoding="unicode"
    )
    page = (tmp_path / "d.html").read_text(encoding="utf-8")
    assert page.count('<td class="warned">') == len(found)
    assert "<td>cosmetic: RFC 6749 §5.1: scope is OPTIONAL" in page


def test_fail_on_cosmetic_makes_them_fail(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = compare(cosmetic_only(), monkeypatch, capsys, "--fail-on", "cosmetic")
    assert status == 1
    assert out.splitlines()[-1].startswith("DRIFT: 9 of 11 probes answered differently")
    assert "differences listed, not failing" not in out


@pytest.mark.parametrize(
    ("platform", "row"),
    [
        (Legit(bad_login_status=401), (("login, wrong password", "status"), (CONTRACT, "400", "401"))),
        (Legit(ttl=86_400), (("login", "expires_in (seconds)"), (CONTRACT, "3600", "86400"))),
    ],
    ids=["401-invalid-grant", "a-day-long-token"],
)
def test_a_contract_difference_fails(
    platform: Legit,
    row: tuple[tuple[str, str], tuple[str, str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = compare(platform, monkeypatch, capsys)
    assert status == 1, out
    key, expected = row
    assert levels(out)[key] == expected
    assert out.splitlines()[-1].startswith("DRIFT: ")


def test_a_string_expires_in_is_shown_as_the_string_it_is_and_fails_on_type(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = compare(Legit(expires_in_text=True), monkeypatch, capsys)
    assert status == 1
    found = levels(out)
    assert found[("login", "expires_in (seconds)")] == (CONTRACT, "3600", '"3600"')
    assert found[("login", "body.expires_in")] == (CONTRACT, "integer", "string")
    assert "└ type: expires_in is a JSON number of seconds (RFC 6749 §5.1); this is not one" in out


@pytest.mark.parametrize(
    ("mock", "platform", "kind"),
    [
        ("3600", '"3600"', "type"),
        ("3600", "null", "type"),
        ("3600", "86400", "range"),
        ("3600", "3000", None),
    ],
)
def test_expires_in_is_compared_as_a_number_or_as_a_type(mock: str, platform: str, kind: str | None) -> None:
    (item,) = compare_facts(
        {"login": {"expires_in (seconds)": mock}}, {"login": {"expires_in (seconds)": platform}}
    )
    assert item.kind == kind
    assert item.fails is (kind is not None)


def test_ignore_accepts_matching_differences_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = compare(Legit(bad_login_status=401), monkeypatch, capsys, "--ignore", "login, *:status")
    assert status == 0, out
    assert "differences accepted (--ignore, --baseline):" in out
    assert "└ accepted: --ignore login, *:status" in out
    assert levels(out)[("login, wrong password", "status")] == (CONTRACT, "400", "401")
    assert out.splitlines()[-1].endswith("0 contract, 0 rfc, 6 cosmetic, 2 accepted)")


def test_ignore_is_read_from_the_profiles_compare_table(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text(
        '[contract]\ntimeout = 5\n[compare]\nignore = ["login, wrong password:status"]\n', encoding="utf-8"
    )
    status, out, _ = compare(Legit(bad_login_status=401), monkeypatch, capsys, "--profile", str(profile))
    assert status == 1  # the unknown user's 401 is still drift
    assert out.count("└ accepted: --ignore login, wrong password:status") == 1
    status, out, _ = compare(
        Legit(bad_login_status=401), monkeypatch, capsys, "--profile", str(profile), "--ignore", "*:status"
    )
    assert status == 0, out


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--ignore", "status"], "--ignore 'status' must be PROBE:WHAT, e.g. 'login:body.scope'"),
        (["--ignore", "logn:status"], "--ignore 'logn:status' names no probe; the probes: login, "),
        (
            ["--baseline", "missing.json"],
            "baseline file not found: missing.json (write one with --write-baseline)",
        ),
    ],
)
def test_a_mistake_in_the_gate_is_one_line_before_any_request(
    flags: list[str], said: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    platform = Legit()
    status, out, err = compare(platform, monkeypatch, capsys, *flags)
    assert (status, out) == (2, "")
    assert err.startswith(f"authcontract compare: {said}")
    assert err.count("\n") == 1
    assert platform.requests == 0


def test_a_baseline_accepts_known_drift_and_fails_on_a_changed_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    baseline = tmp_path / "ci" / "baseline.json"
    status, out, _ = compare(Legit(ttl=86_400), monkeypatch, capsys, "--write-baseline", str(baseline))
    assert status == 0, out  # what it writes is accepted
    document = json.loads(baseline.read_text(encoding="utf-8"))
    assert document["format"] == "authcontract compare baseline"
    entry = {"probe": "login", "what": "expires_in (seconds)", "mock": "3600", "platform": "86400"}
    assert {**entry, "severity": CONTRACT} in document["accepted"]

    status, out, _ = compare(Legit(ttl=86_400), monkeypatch, capsys, "--baseline", str(baseline))
    assert status == 0, out
    assert f"└ accepted: in the baseline {baseline}" in out

    status, out, _ = compare(Legit(ttl=604_800), monkeypatch, capsys, "--baseline", str(baseline))
    assert status == 1, out  # a week is not the day the baseline accepted: new drift
    assert levels(out)[("login", "expires_in (seconds)")] == (CONTRACT, "3600", "604800")
    assert out.splitlines()[-1].startswith("DRIFT: 1 of 11 probes answered differently")


def test_a_baseline_named_in_the_profile_is_found_beside_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    compare(Legit(bad_login_status=401), monkeypatch, capsys, "--write-baseline", str(tmp_path / "b.json"))
    profile = tmp_path / "profile.toml"
    profile.write_text('[contract]\ntimeout = 5\n[compare]\nbaseline = "b.json"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path.parent)
    status, out, _ = compare(Legit(bad_login_status=401), monkeypatch, capsys, "--profile", str(profile))
    assert status == 0, out


def test_a_baseline_that_is_not_one_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wrong = tmp_path / "b.json"
    wrong.write_text('{"accepted": "everything"}', encoding="utf-8")
    status, _, err = compare(Legit(), monkeypatch, capsys, "--baseline", str(wrong))
    assert status == 2
    assert err == f"authcontract compare: baseline file {wrong} is not one --write-baseline wrote\n"


@pytest.mark.parametrize("document", ["[]", '"accepted"', "null", "42"])
def test_a_baseline_whose_json_is_not_an_object_is_a_mistake_not_a_crash(
    document: str, tmp_path: Path
) -> None:
    wrong = tmp_path / "b.json"
    wrong.write_text(document, encoding="utf-8")
    parser = argparse.ArgumentParser()
    add_gate_arguments(parser)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(["--baseline", str(wrong)])
    with pytest.raises(ValueError, match="is not one --write-baseline wrote") as raised:
        gate_from(args, ["login"])
    assert str(raised.value) == f"baseline file {wrong} is not one --write-baseline wrote"
