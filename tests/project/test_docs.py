"""The documentation's examples run as written (plugin, command line, workflow), the README's quick
starts among them, and the documentation site builds with `mkdocs build --strict`.

Examples are read from README.md or docs/, between their `example:` markers (tests/documents.py).
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

from ..documents import block
from ..processes import SUBPROCESS_TIMEOUT

pytestmark = pytest.mark.processes  # every test here starts a process

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STAGING = "https://staging.example.com"


def example(name: str) -> str:
    return block(f"example:{name}")


@pytest.mark.parametrize("name", ["plugin", "quickstart-plugin", "start-developer"])
def test_the_plugin_example_runs_in_a_downstream_project(pytester: pytest.Pytester, name: str) -> None:
    pytester.makeconftest(example("plugin-conftest"))
    source = example(name)
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
    # the example as written; fewer schemathesis cases (contract_tests/ runs the full budget)
    result = _bash(example("check"), tmp_path, CONTRACT_EXAMPLES="3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS: the bundled mock keeps the contract" in result.stdout
    assert (tmp_path / "reports" / "mock.xml").is_file()
    assert (tmp_path / "reports" / "mock.html").is_file()


@pytest.mark.parametrize("name", ["check-live", "quickstart-qa", "start-qa"])
def test_the_live_example_checks_and_compares_a_platform(tmp_path: Path, name: str) -> None:
    script = example(name)
    assert STAGING in script
    with MockServer(Settings(log_requests=False)) as platform:  # the platform of this test: a mock
        url = platform.url
        script = script.replace(STAGING, url).replace("qa-bot", "demo")
        result = _bash(script, tmp_path, STAGING_PASSWORD="demo-password")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"PASS: {url} keeps the contract" in result.stdout
    assert "SAME: 0 of 11 probes answered differently" in result.stdout
    assert (tmp_path / "reports" / "staging.xml").is_file()
    assert ("--html" in script) == (tmp_path / "reports" / "staging.html").is_file()
    assert "demo-password" not in result.stdout + result.stderr


def test_the_ci_getting_started_job_checks_a_platform_and_writes_every_report(tmp_path: Path) -> None:
    script = example("start-ci")
    assert STAGING in script
    with MockServer(Settings(log_requests=False)) as platform:  # the platform of this test: a mock
        url = platform.url
        secrets = {"PLATFORM_USERNAME": "demo", "PLATFORM_PASSWORD": "demo-password"}
        result = _bash(script.replace(STAGING, url), tmp_path, CONTRACT_EXAMPLES="3", **secrets)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"PASS: {url} keeps the contract" in result.stdout
    for report in ["contract.xml", "contract.json", "contract.html"]:
        written = (tmp_path / "reports" / report).read_text(encoding="utf-8")
        assert "demo-password" not in written, report
    assert "demo-password" not in result.stdout + result.stderr


def _actionlint(project: Path, workflow: str) -> subprocess.CompletedProcess[str]:
    path = project / ".github" / "workflows" / "platform-contract.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(workflow, encoding="utf-8")
    actionlint = shutil.which("actionlint", path=str(BIN))
    assert actionlint is not None
    command = [actionlint, "-oneline", "-no-color", str(path)]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("name", ["workflow", "quickstart-ci"])
def test_the_workflow_example_passes_actionlint_against_the_real_action(tmp_path: Path, name: str) -> None:
    workflow = example(name)
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


def test_the_documentation_site_builds_strictly(tmp_path: Path) -> None:
    """Every page in the nav, every link and anchor between pages resolves: a warning fails the build."""
    mkdocs = shutil.which("mkdocs", path=str(BIN))
    assert mkdocs is not None, "mkdocs comes with the dev extras"
    result = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    pages = {path.name for path in (ROOT / "docs").glob("*.md")}
    built = {path.parent.name + ".md" for path in (tmp_path / "site").glob("*/index.html")}
    assert pages - {"index.md"} <= built, pages - built


def test_the_readme_fits_in_two_screens() -> None:
    """What it is, install, the two commands, three quick starts, the way to the reference."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 120, len(lines)
