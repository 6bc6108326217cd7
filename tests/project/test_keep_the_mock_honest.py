"""docs/keep-the-mock-honest.md as written: the nightly workflow passes actionlint, the profile's
`[compare]` table drives a comparison, and the plugin serves the mock from a config `compare` wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..cli.legit_platforms import Legit
from ..cli.test_compare_gate import compare
from ..documents import block
from ..processes import SUBPROCESS_TIMEOUT
from .test_docs import _actionlint

pytest_plugins = ["pytester"]


@pytest.mark.processes
def test_the_nightly_workflow_passes_actionlint(tmp_path: Path) -> None:
    workflow = block("example:nightly-drift")
    (tmp_path / ".git").mkdir()
    result = _actionlint(tmp_path, workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    for flag in ("--mock-config", "--baseline", "--write-mock-config", "--junitxml", "--html"):
        assert flag in workflow


def test_the_profiles_compare_table_ignores_and_reads_its_baseline(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text(block("example:compare-profile"), encoding="utf-8")
    platform = Legit(ttl=86_400, allow="POST")
    status, _, err = compare(platform, monkeypatch, capsys, "--profile", str(profile))
    assert status == 2
    assert f"baseline file not found: {tmp_path / 'compare-baseline.json'}" in err
    compare(platform, monkeypatch, capsys, "--write-baseline", str(tmp_path / "compare-baseline.json"))
    status, out, _ = compare(platform, monkeypatch, capsys, "--profile", str(profile))
    assert status == 0, out
    assert "└ accepted: --ignore login by GET:header Allow" in out


@pytest.mark.processes
def test_the_plugin_serves_the_mock_from_the_config_compare_wrote(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = pytester.path / "tests" / "mock.toml"
    compare(Legit(bad_login_status=401), monkeypatch, capsys, "--write-mock-config", str(config))
    assert "invalid-grant-status = 401" in config.read_text(encoding="utf-8")
    pytester.makeini(block("example:honest-ini"))
    pytester.makepyfile(test_offline=block("example:honest-test"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=SUBPROCESS_TIMEOUT)
    result.assert_outcomes(passed=1)
