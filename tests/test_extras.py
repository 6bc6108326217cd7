"""The optional parts: a plain install lacks them, and using one says in one line which extra brings it."""

from __future__ import annotations

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
