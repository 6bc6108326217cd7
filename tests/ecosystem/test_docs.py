"""The examples of the ecosystem section run as written: plugin, command line, workflow.

They are read from README.md, between their `example:` markers.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from mockserver import MockServer, Settings

from . import SUBPROCESS_TIMEOUT

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STAGING = "https://staging.example.com"


def document() -> Path:
    return ROOT / "README.md"


def example(name: str) -> str:
    text = document().read_text(encoding="utf-8")
    pattern = rf"<!-- example:{name}:start -->\n```\w*\n(.*?)```\n<!-- example:{name}:end -->"
    match = re.search(pattern, text, re.DOTALL)
    assert match, f"{document().name} has no {name} example"
    return match.group(1)


def test_the_plugin_example_runs_in_a_downstream_project(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(example("plugin-conftest"))
    source = example("plugin")
    pytester.makepyfile(test_example=source)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=SUBPROCESS_TIMEOUT)
    result.assert_outcomes(passed=len(re.findall(r"^def test_", source, re.MULTILINE)))


def _bash(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "PYTEST_"))}
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env={**clean, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_check_example_checks_the_bundled_mock(tmp_path: Path) -> None:
    result = _bash(example("check"), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS: the bundled mock keeps the contract" in result.stdout
    assert (tmp_path / "reports" / "mock.xml").is_file()
    assert (tmp_path / "reports" / "mock.html").is_file()


def test_the_live_example_checks_and_compares_a_platform(tmp_path: Path) -> None:
    script = example("check-live")
    assert STAGING in script
    with MockServer(Settings(log_requests=False)) as platform:  # the platform of this test: a mock
        url = platform.url
        script = script.replace(STAGING, url).replace("qa-bot", "demo")
        result = _bash(script, tmp_path, STAGING_PASSWORD="demo-password")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"PASS: {url} keeps the contract" in result.stdout
    assert "SAME: 0 of 11 probes answered differently" in result.stdout
    assert (tmp_path / "reports" / "staging.html").is_file()
    assert "demo-password" not in result.stdout + result.stderr


def _actionlint(project: Path, workflow: str) -> subprocess.CompletedProcess[str]:
    path = project / ".github" / "workflows" / "platform-contract.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(workflow, encoding="utf-8")
    actionlint = shutil.which("actionlint", path=str(BIN))
    assert actionlint is not None
    command = [actionlint, "-oneline", "-no-color", str(path)]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=60, check=False)


def test_the_workflow_example_passes_actionlint_against_the_real_action(tmp_path: Path) -> None:
    workflow = example("workflow")
    # pinned to this release's tag, never a moving branch
    uses = f"your-org/authcontract/.github/actions/contract-check@v{version('authcontract')}"
    assert uses in workflow
    (tmp_path / ".git").mkdir()  # actionlint finds local actions from the project's root
    shutil.copytree(ROOT / ".github" / "actions", tmp_path / ".github" / "actions")
    local = workflow.replace(uses, "./.github/actions/contract-check")
    result = _actionlint(tmp_path, local)
    assert result.returncode == 0, result.stdout + result.stderr
    # and the action's inputs were checked: a misspelt one is caught
    assert _actionlint(tmp_path, local.replace("protected-path:", "protected_path:")).returncode == 1
