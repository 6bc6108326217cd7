"""The optional parts: a plain install lacks them, and using one says in one line which extra brings it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from authcontract.cli import main as authcontract_main
from mockserver import MockServer, Settings
from mockserver.cli import main as mockserver_main
from mockserver.extras import MissingExtra, require


def _without(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make `import module` fail as it does where the extra was never installed."""
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_an_installed_module_is_returned() -> None:
    assert require("json", "suite") is sys.modules["json"]


@pytest.mark.parametrize("command", ["check", "compare"])
def test_check_and_compare_without_the_suite_extra_name_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    _without(monkeypatch, "schemathesis")
    assert authcontract_main([command]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"authcontract {command}: ")
    assert "pip install 'authcontract[suite]'" in line


def test_the_granian_server_without_the_serve_extra_names_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _without(monkeypatch, "granian")
    assert mockserver_main(["--port", "0", "--server", "granian"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "'serve' extra" in line
    assert "pip install 'authcontract[serve]'" in line


def test_the_redis_store_without_the_redis_extra_names_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _without(monkeypatch, "redis")
    assert mockserver_main(["--port", "0", "--server", "werkzeug", "--store", "redis://127.0.0.1:1/0"]) == 2
    assert "pip install 'authcontract[redis]'" in _one_line(capsys.readouterr().err)
    with pytest.raises(MissingExtra, match=r"authcontract\[redis\]"):
        MockServer(Settings(store="redis://127.0.0.1:1/0"))


def test_a_broken_module_is_not_mistaken_for_a_missing_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "half_installed.py").write_text("import a_dependency_that_is_not_there\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as raised:
        require("half_installed", "serve")
    assert not isinstance(raised.value, MissingExtra)
    assert raised.value.name == "a_dependency_that_is_not_there"


@pytest.mark.parametrize("main", [authcontract_main, mockserver_main], ids=["authcontract", "mockserver"])
def test_version_is_the_packages_own(main, capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.split()[-1] == version("authcontract")


# A plain install has no pytest: this child process cannot import it (or what the suite brings), as
# in a venv that got the wheel and its base dependencies only (the real venv: tests/project/test_wheel.py).
WITHOUT_PYTEST = """
import subprocess
import sys

class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"pytest", "_pytest", "schemathesis", "hypothesis", "locust"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NotInstalled())
from authcontract.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _cli_without_pytest(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_PYTEST, *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.processes
@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_answer_without_pytest(flag: str) -> None:
    result = _cli_without_pytest(flag)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "authcontract" in result.stdout
    if flag == "--help":
        assert all(command in result.stdout for command in ("mock", "check", "compare", "load"))


@pytest.mark.processes
@pytest.mark.parametrize(
    ("arguments", "extra"),
    [(["check"], "suite"), (["check", "--help"], "suite"), (["compare"], "suite"), (["load"], "load")],
)
def test_each_command_without_pytest_names_its_extra_in_one_line(arguments: list[str], extra: str) -> None:
    result = _cli_without_pytest(*arguments)
    assert result.returncode == 2
    line = _one_line(result.stderr)
    assert line.startswith(f"authcontract {arguments[0]}: ")
    assert line.endswith(f"pip install 'authcontract[{extra}]'")


# A plain install has no faker (the 'fake' extra): this child cannot import it, so no faker plugin
# and no faker import; the mock serves the bundled routes from their pre-rendered file.
WITHOUT_FAKER = """
import sys

class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "faker":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NotInstalled())
"""

ACCOUNTS_WITHOUT_FAKER = """
import json
import requests
from mockserver import MockServer, Settings

with MockServer(Settings(log_requests=False)) as server:
    login = requests.post(
        server.url_for("/authorization"),
        data={"username": "viewer", "password": "viewer-password"},
        timeout=10,
    )
    token = login.json()["access_token"]
    accounts = requests.get(
        server.url_for("/accounts"), headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
print(json.dumps({"status": accounts.status_code, "body": accounts.json(), "faker": "faker" in sys.modules}))
"""


def _python_without_faker(code: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_FAKER + code, *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.processes
def test_the_mock_serves_the_bundled_routes_without_faker() -> None:
    """Over a socket, in a process with no faker: GET /accounts answers faker's body for the seed."""
    import json

    from faker import Faker

    from mockserver.core.routes_file import render_routes
    from mockserver.data import fixture_path, load_json

    faker = Faker()
    faker.seed_instance(Settings().seed)
    with_faker = render_routes(load_json(fixture_path("routes.json")), faker)
    expected = next(r["body"] for r in with_faker if (r["method"], r["path"]) == ("GET", "/accounts"))

    result = _python_without_faker(ACCOUNTS_WITHOUT_FAKER)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"status": 200, "body": expected, "faker": False}


@pytest.mark.processes
@pytest.mark.parametrize(
    "arguments",
    [["--fake-users", "3"], ["--seed", "7"]],
    ids=["fake-users", "another-seed"],
)
def test_what_needs_faker_without_it_is_one_line_naming_the_fake_extra(arguments: list[str]) -> None:
    code = "from mockserver.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    result = _python_without_faker(code, "--server", "werkzeug", "--port", "0", "--quiet", *arguments)
    assert result.returncode == 2, result.stderr
    line = _one_line(result.stderr)
    assert line.startswith("mockserver: ")
    assert line.endswith("pip install 'authcontract[fake]'")
    assert "Traceback" not in result.stderr
