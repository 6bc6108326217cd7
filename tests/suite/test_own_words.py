"""A password that spells one of the tool's own words leaves the tool's line whole.

The line `check` prints when it stops without a verdict is redacted, since it may quote the platform.
Redaction masks the password wherever it appears, so a password such as `login` or `live` used to
turn "the configured login was refused" into "the configured *** was refused": the user's own
settings mistake became unreadable. Each word of each line is tried as the password, in a child
process per scenario (the redactor is process-wide), and the line must read as with a password
that spells none of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from mockserver import MockServer, Settings

pytestmark = pytest.mark.processes  # every test here starts a process

NEUTRAL = "Zq7-neutral-Xy"
DRIVER = r"""
import io, json, sys
from contract_tests import redaction
from authcontract.cli import build_parser
from authcontract.check import run_check

base_url, protected, passwords = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
lines = {}
for password in passwords:
    redaction.REDACTOR = redaction.Redactor()  # each password alone, as in its own run
    args = ["check", "--base-url", base_url] + (["--protected-path", protected] if protected else [])
    environ = {"CONTRACT_USERNAME": "qa-user", "CONTRACT_PASSWORD": password, "CONTRACT_TIMEOUT": "2"}
    err = io.StringIO()
    parsed = build_parser().parse_args(args)
    status = run_check(parsed, environ=environ, stdin=io.StringIO(), out=io.StringIO(), err=err)
    lines[password] = [status, err.getvalue().strip()]
print(json.dumps(lines))
"""


@pytest.fixture(scope="module")
def refusing_mock() -> Iterator[str]:
    with MockServer(Settings(log_requests=False)) as server:
        yield server.url


def _lines(base_url: str, protected: str, passwords: list[str]) -> dict[str, list]:
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, base_url, protected, json.dumps(passwords)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


# The tool's own words in each line (the values around them, the URL, the method, the platform's
# answer and the operating system's error, are masked wherever they spell the password, as they should).
OWN_WORDS = {
    "missing protected path": (
        "http://127.0.0.1:9",
        "",
        ["live", "against", "needs", "environment", "profile"],
    ),
    "login refused": (
        "",
        "/me",
        ["configured", "login", "refused", "answered", "check", "environment", "flag"],
    ),
    "unreachable target": (
        "http://127.0.0.1:9",
        "/me",
        ["target", "unreachable", "transport", "after", "attempts"],
    ),
}


@pytest.mark.parametrize("scenario", list(OWN_WORDS))
def test_a_password_that_spells_a_word_of_the_tool_leaves_the_line_whole(
    scenario: str, refusing_mock: str
) -> None:
    base_url, protected, words = OWN_WORDS[scenario]
    base_url = base_url or refusing_mock
    neutral_status, neutral = _lines(base_url, protected, [NEUTRAL])[NEUTRAL]
    assert neutral_status == 2, neutral
    assert "***" not in neutral, neutral
    assert all(word in neutral for word in words), neutral
    changed = {
        password: line
        for password, (_, line) in _lines(base_url, protected, words).items()
        if line != neutral
    }
    assert not changed, changed


def test_the_password_is_still_masked_where_the_platform_says_it(refusing_mock: str) -> None:
    """The mock's refusal says "the username or password is wrong": a password `wrong` is masked
    there, in the platform's words, while the tool's own words around it stay whole."""
    status, line = _lines(refusing_mock, "/me", ["wrong"])["wrong"]
    assert status == 2
    assert "the configured login was refused" in line
    assert "wrong" not in line
    assert "***" in line
