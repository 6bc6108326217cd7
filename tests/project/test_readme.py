"""The README's two commands and the mock page's tour and Python example run as written.

The tour runs against the mock as `make run` serves it (granian), so the answer it shows is the
one a user sees.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

import pytest
import requests

from mockserver import Settings

from ..documents import ROOT, block
from ..processes import TIMEOUT, MockProcess, free_port, mock_process, start_server
from ..processes import _wait_until_serving as wait_until_serving

README = ROOT / "README.md"


def readme_block(name: str) -> str:
    return block(name)


@pytest.mark.processes
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


@pytest.mark.processes
@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("run", "-m mockserver --host 127.0.0.1"),
        ("test", "-m pytest"),
        ("test-fast", '-m pytest -n 2 -m "not processes and not dist and not soak"'),
    ],
)
def test_the_two_commands_do_what_the_readme_says(target: str, expected: str) -> None:
    assert f"make {target}" in README.read_text(encoding="utf-8")
    plan = make_plan(target)
    assert "-m venv .venv" in plan
    assert expected in plan


def make_plan(target: str, *variables: str, env: dict[str, str] | None = None) -> str:
    """What `make` would run for `target` from a fresh clone (-B: as if nothing were built yet)."""
    base = {k: v for k, v in os.environ.items() if k not in {"PORT", "MOCKSERVER_PORT"}}
    return subprocess.run(
        ["make", "-n", "-B", target, *variables],
        cwd=README.parent,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout


@pytest.mark.processes
@pytest.mark.parametrize("how", ["PORT=N", "MOCKSERVER_PORT=N"])
def test_make_run_serves_on_the_port_it_is_given(how: str) -> None:
    """`make run PORT=N` and `MOCKSERVER_PORT=N make run` serve on N: the command make would run, run."""
    port = free_port()
    if how == "PORT=N":
        plan, env = make_plan("run", f"PORT={port}"), {}
    else:
        env = {"MOCKSERVER_PORT": str(port)}
        plan = make_plan("run", env=env)
    command = next(line for line in plan.splitlines() if "-m mockserver" in line)
    served = start_server(
        [*shlex.split(command), "--server", "werkzeug", "--quiet"],
        cwd=README.parent,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    running = MockProcess(f"http://127.0.0.1:{port}", served)
    try:
        wait_until_serving(running)
        assert requests.get(f"{running.url}/openapi.json", timeout=TIMEOUT).status_code == 200
    finally:
        running.stop()


@pytest.mark.processes
def test_make_run_without_a_port_serves_on_8080() -> None:
    plan = make_plan("run")
    command = next(line for line in plan.splitlines() if "-m mockserver" in line)
    assert "--port" not in command  # the mock's settings decide: MOCKSERVER_PORT, else their default
    assert Settings().port == 8080


def test_the_python_example_runs_as_written() -> None:
    namespace: dict[str, object] = {}
    exec(compile(readme_block("python-example"), "docs/mock.md", "exec"), namespace)  # noqa: S102 - our docs
    assert "mock" in namespace


@pytest.mark.processes
def test_the_install_lines_work_from_a_clone_and_name_real_extras() -> None:
    """The README installs from a clone or git today; PyPI's lines wait for a release and say so.

    `pip install .` itself is what tests/project/test_wheel.py does (it builds this tree's wheel and
    installs it, without pytest, into a clean venv); here pip reads each line's target from this
    clone (--dry-run, offline: no dependency is fetched) and every extra named exists.
    """
    import tomllib

    script = block("example:install")
    lines = [line.split("#")[0].strip() for line in script.splitlines() if line.startswith("pip install")]
    assert lines[:3] == ["pip install .", "pip install '.[suite]'", "pip install '.[all]'"]
    git_line = lines[3]
    assert git_line == "pip install 'authcontract[suite] @ git+https://github.com/your-org/authcontract'"
    assert "your-org is a placeholder" in script
    readme = README.read_text(encoding="utf-8")
    assert "not yet published" in readme
    assert "pip install authcontract==0.2.0" in readme  # the PyPI form, for after the release

    extras = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["optional-dependencies"]
    )
    for line in lines[:3]:
        target = shlex.split(line)[2]
        named = target[target.index("[") + 1 : -1].split(",") if "[" in target else []
        assert set(named) <= extras, named
        local = target.replace(".", str(ROOT), 1)
        plan = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--no-build-isolation",
             "--no-index", "--disable-pip-version-check", "-q", local],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert plan.returncode == 0, plan.stderr
    assert git_line.split("[")[1].split("]")[0] in extras
