"""The pytest plugin, as another project uses it: installed, loaded through its pytest11 entry point.

Each test lays out a downstream project from the files in downstream/ (test files and a
conftest.py that use only the fixtures) and runs it in a fresh pytest process with
pytester.runpytest_subprocess. Nothing there imports the plugin or names it in `pytest_plugins`,
so the fixtures can only come from the entry point; `-p no:authcontract` proves it.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest

from . import SUBPROCESS_TIMEOUT

pytest_plugins = ["pytester"]

DOWNSTREAM = Path(__file__).parent / "downstream"


def _source(name: str) -> str:
    return (DOWNSTREAM / name).read_text(encoding="utf-8")


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    found = {entry.name: entry.value for entry in entry_points(group="pytest11")}
    assert found.get("authcontract") == "mockserver.pytest_plugin"


def test_a_downstream_project_uses_the_fixtures(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPECTED_TOKEN_TTL", "60")
    pytester.makeconftest(_source("conftest_settings.py"))
    pytester.makepyfile(test_a_quiet=_source("quiet.py"), test_usage=_source("usage.py"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=SUBPROCESS_TIMEOUT)
    result.assert_outcomes(passed=10, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*expected at least 1 request(s) GET /payments, got 0; the mock received:",
            "*GET /accounts -> 200",
        ]
    )


def test_the_ini_option_names_a_settings_file(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPECTED_TOKEN_TTL", "30")
    pytester.makeini("[pytest]\nauth_mock_config = mock.toml\n")
    pytester.path.joinpath("mock.toml").write_text("[mockserver]\ntoken-ttl = 30\n", encoding="utf-8")
    pytester.makepyfile(test_usage=_source("usage.py"))
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-k", "clock or settings", timeout=SUBPROCESS_TIMEOUT
    )
    result.assert_outcomes(passed=2)


def test_the_plugin_serves_https_and_hands_over_its_ca(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nauth_mock_config = mock.toml\n")
    pytester.path.joinpath("mock.toml").write_text("[mockserver]\ntls = true\n", encoding="utf-8")
    pytester.makepyfile(test_https=_source("https.py"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=SUBPROCESS_TIMEOUT)
    result.assert_outcomes(passed=1)


def test_disabling_the_entry_point_removes_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_usage="def test_uses_the_mock(auth_mock):\n    pass\n")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:authcontract", timeout=SUBPROCESS_TIMEOUT
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'auth_mock' not found*"])
