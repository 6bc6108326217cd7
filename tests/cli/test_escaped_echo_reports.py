"""`authcontract check` against a platform that JSON-escapes `&<>` as Go does and echoes the password:
the echo check fails under `--advisory=fail`, and no output (terminal, HTML, JSON, JUnit) holds the
password in any spelling (issue 31 item 3). A real `authcontract` process, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver import MockServer
from tests.suite.spellings import leaked_spellings
from tests.suite.targets import FakeClock, Platform, platform_app
from tests.suite.test_escaped_echo import go_escaping

from .test_check import QUICK_EXAMPLES, _environment, run

pytestmark = pytest.mark.processes  # every test here starts a process


def test_an_escaped_echo_fails_the_check_and_no_report_holds_the_password(tmp_path: Path) -> None:
    platform = Platform(password="Go<&>pa55-w0rd-9b2d", echo_password=("success",), pragma=None)
    reports = {name: tmp_path / f"contract.{name}" for name in ("xml", "html", "json")}
    with MockServer(app=go_escaping(platform_app(platform, FakeClock()))) as server:
        env = _environment(
            CONTRACT_BASE_URL=server.url,
            CONTRACT_USERNAME=platform.username,
            CONTRACT_PASSWORD=platform.password,
            CONTRACT_PROTECTED_PATH=platform.protected_path,
        )
        result = run(
            "--junitxml",
            str(reports["xml"]),
            "--html",
            str(reports["html"]),
            "--json",
            str(reports["json"]),
            "--advisory=fail",
            "--examples",
            str(QUICK_EXAMPLES),
            env=env,
        )
    assert "ok" in platform.logins, result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL    advisory  No answer of the token endpoint repeats the password" in result.stdout
    outputs = {"terminal": result.stdout + result.stderr}
    outputs |= {name: path.read_text(encoding="utf-8") for name, path in reports.items()}
    for where, text in outputs.items():
        assert leaked_spellings(text, platform.password, platform.username) == [], where
        assert "9b2d" not in text, f"the password's tail is in the {where} output"
