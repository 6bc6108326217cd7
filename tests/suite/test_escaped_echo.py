"""A platform that escapes `&`, `<`, `>` as Go and .NET do (`\\u0026`...) and echoes the password.

Issue 31 item 3: the echo check passed and the password reached the reports. The check must fail
under `--advisory=fail`, and no output (terminal, JUnit) may hold the password in any spelling.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response

from .conftest import SuiteRunner
from .spellings import leaked_spellings
from .targets import Platform, platform_app, serve

ECHO = "test_password_is_not_echoed"
PRAGMA = "test_token_response_has_pragma_no_cache"
_GO_ESCAPES = {"&": "\\u0026", "<": "\\u003c", ">": "\\u003e"}


def go_escaping(app: Flask) -> Flask:
    """Every JSON answer written as Go's encoding/json writes it: `&<>` as \\u escapes (only strings
    can hold them, so the body stays the same JSON)."""

    @app.after_request
    def escape(response: Response) -> Response:
        if response.mimetype == "application/json":
            body = response.get_data(as_text=True)
            response.set_data("".join(_GO_ESCAPES.get(char, char) for char in body))
        return response

    return app


def test_a_json_escaped_echo_fails_the_echo_check_and_reaches_no_output(
    suite: SuiteRunner, tmp_path: Path
) -> None:
    # the one echo is the escaped one; a missing Pragma makes another check quote the same login answer
    platform = Platform(password="Go<&>pa55-w0rd-5e1c", echo_password=("success",), pragma=None)
    report = tmp_path / "report.xml"
    with serve(go_escaping(platform_app(platform, suite.clock))) as base_url:
        outcome = suite.run_live(
            suite.env(platform, base_url),
            f"--junitxml={report}",
            "-o",
            "junit_logging=all",
            "--log-level=DEBUG",
            "-rA",
            "--advisory=fail",
        )
    assert "ok" in platform.logins, outcome.text
    assert outcome.failed == {ECHO, PRAGMA}, outcome.text
    assert "repeats a password sent" in outcome.text
    assert "password *** seen" in outcome.text  # the answer was shown, the escaped password masked whole
    outputs = {"terminal": outcome.text, "junit": report.read_text(encoding="utf-8")}
    for where, text in outputs.items():
        assert leaked_spellings(text, platform.password, platform.username) == [], where
        assert "5e1c" not in text, f"the password's tail is in the {where} output"
