"""The pytest plugin, as another project uses it: installed, loaded through its pytest11 entry point.

Each test lays out a downstream project from the files in downstream/ (test files and a
conftest.py that use only the fixtures) and runs it in a fresh pytest process with
pytester.runpytest_subprocess. Nothing there imports the plugin or names it in `pytest_plugins`,
so the fixtures can only come from the entry point; `-p no:authcontract` proves it.
"""

from __future__ import annotations

import socket
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from ..processes import SUBPROCESS_TIMEOUT, free_port

pytest_plugins = ["pytester"]

DOWNSTREAM = Path(__file__).parent / "downstream"


def _source(name: str) -> str:
    return (DOWNSTREAM / name).read_text(encoding="utf-8")


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    found = {entry.name: entry.value for entry in entry_points(group="pytest11")}
    assert found.get("authcontract") == "mockserver.pytest_plugin"


@pytest.mark.processes
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


@pytest.mark.processes
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


@pytest.mark.processes
def test_the_plugin_serves_https_and_hands_over_its_ca(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nauth_mock_config = mock.toml\n")
    pytester.path.joinpath("mock.toml").write_text("[mockserver]\ntls = true\n", encoding="utf-8")
    pytester.makepyfile(test_https=_source("https.py"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=SUBPROCESS_TIMEOUT)
    result.assert_outcomes(passed=1)


@pytest.mark.processes
def test_disabling_the_entry_point_removes_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_usage="def test_uses_the_mock(auth_mock):\n    pass\n")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:authcontract", timeout=SUBPROCESS_TIMEOUT
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'auth_mock' not found*"])


PORT_TEST = """
import os

def test_the_mock_listens_where_configured(auth_mock):
    assert auth_mock.url == f"http://127.0.0.1:{os.environ['EXPECTED_PORT']}"
"""


@pytest.mark.processes
@pytest.mark.parametrize("where", ["option", "ini", "config-file", "conftest"])
def test_the_plugin_listens_on_a_configured_port(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    port = free_port()
    monkeypatch.setenv("EXPECTED_PORT", str(port))
    pytester.makepyfile(test_port=PORT_TEST)
    args = ["-p", "no:cacheprovider"]
    if where == "option":
        pytester.makeini("[pytest]\nauth_mock_port = 1\n")  # the option beats the ini
        args += ["--auth-mock-port", str(port)]
    elif where == "ini":
        pytester.makeini(f"[pytest]\nauth_mock_port = {port}\n")
    elif where == "config-file":
        pytester.makeini("[pytest]\nauth_mock_config = mock.toml\n")
        pytester.path.joinpath("mock.toml").write_text(f"[mockserver]\nport = {port}\n", encoding="utf-8")
    else:
        pytester.makeconftest(
            "import pytest\nfrom mockserver import Settings\n\n\n@pytest.fixture(scope='session')\n"
            f"def auth_mock_settings():\n    return Settings(port={port}, log_requests=False)\n"
        )
    result = pytester.runpytest_subprocess(*args, timeout=SUBPROCESS_TIMEOUT)
    result.assert_outcomes(passed=1)


@pytest.mark.processes
def test_without_a_port_the_plugin_takes_a_free_one(pytester: pytest.Pytester) -> None:
    """The default settings' 8080 is `make run`'s, not the plugin's: two sessions at once must not clash."""
    pytester.makepyfile(
        test_port="def test_free(auth_mock):\n    assert not auth_mock.url.endswith(':8080')\n"
    )
    pytester.makeini("[pytest]\nauth_mock_port = 0\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=SUBPROCESS_TIMEOUT)
    result.assert_outcomes(passed=1)


@pytest.mark.processes
def test_a_busy_configured_port_is_one_clear_line(pytester: pytest.Pytester) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        pytester.makepyfile(test_port="def test_uses(auth_mock):\n    pass\n")
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "--auth-mock-port", str(port), timeout=SUBPROCESS_TIMEOUT
        )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*auth_mock cannot listen on 127.0.0.1:{port}: the port is in use*"])
