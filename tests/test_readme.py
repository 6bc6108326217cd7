"""The README's two commands and the mock page's tour and Python example run as written.

The tour runs against the mock as `make run` serves it (granian), so the answer it shows is the
one a user sees.
"""

from __future__ import annotations

import subprocess

import pytest

from .documents import ROOT, block
from .processes import mock_process

README = ROOT / "README.md"


def readme_block(name: str) -> str:
    return block(name)


def test_the_tour_runs_as_written_and_answers_what_it_shows() -> None:
    script = readme_block("tour")
    assert "BASE=http://127.0.0.1:8080" in script
    shown = block("tour-answer")
    with mock_process("--quiet") as mock:
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
    for line in shown.splitlines():
        if line != "...":
            assert line in out.splitlines(), f"the page shows {line!r}; the mock answered:\n{out}"


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
    exec(compile(readme_block("python-example"), "docs/mock.md", "exec"), namespace)  # noqa: S102 - our docs
    assert "mock" in namespace
