"""The README's examples run as written."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from mockserver import MockServer, Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_block(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:start -->\n```\w*\n(.*?)```\n<!-- {name}:end -->", text, re.DOTALL)
    assert match, f"README.md has no {name} block"
    return match.group(1)


def test_the_tour_runs_as_written() -> None:
    script = readme_block("tour")
    assert "BASE=http://127.0.0.1:8080" in script
    with MockServer(Settings(log_requests=False)) as mock:
        # The only change: the mock of this test listens on a free port, not on 8080.
        script = script.replace("BASE=http://127.0.0.1:8080", f"BASE={mock.url}")
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert '"username":"demo"' in out.replace(" ", "")
    assert "HTTP/1.1 401 UNAUTHORIZED" in out
    assert (
        'WWW-Authenticate: Bearer realm="authcontract-mock", error="invalid_token", '
        'error_description="the access token has expired"'
    ) in out


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("run", "-m mockserver --host 127.0.0.1 --port 8080"),
        ("test", "-m pytest"),
    ],
)
def test_the_two_commands_do_what_the_readme_says(target: str, expected: str) -> None:
    assert f"make {target}" in README.read_text(encoding="utf-8")
    plan = subprocess.run(
        ["make", "-n", "-B", target],
        cwd=README.parent,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert "-m venv .venv" in plan
    assert expected in plan


def test_the_python_example_runs_as_written() -> None:
    namespace: dict[str, object] = {}
    exec(compile(readme_block("python-example"), "README.md", "exec"), namespace)  # noqa: S102 - our README
    assert "mock" in namespace
