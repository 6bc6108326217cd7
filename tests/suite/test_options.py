"""The table of target settings (contract_tests/options.py) is the only declaration: every surface
carries exactly its rows, so a new row cannot be forgotten on one of them (issue 27 section 2).

Surfaces: the flags of `authcontract check`, `compare` and `load` (and their --help), the suite's
pytest options (its --help), the environment a child process is given, the pre-flight's hints
and the settings' own fields, defaults and variables.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

import contract_tests
from contract_tests import preflight
from contract_tests.options import COMMANDS, ROWS, TargetOption, hint, row, rows_for, where
from contract_tests.redaction import Secret
from contract_tests.settings import SECRET_SETTINGS, ContractSettings, load_settings
from contract_tests.surfaces import child_environment, given, suite_argv

ROW_NAMES = {option.name for option in ROWS}
SETTINGS_ROWS = [option for option in ROWS if option.setting]


def _subparser(command: str) -> argparse.ArgumentParser:
    from authcontract.cli import build_parser

    commands = next(
        action for action in build_parser()._actions if isinstance(action, argparse._SubParsersAction)
    )
    return commands.choices[command]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_carries_exactly_its_rows_flags(command: str) -> None:
    """A flag whose destination is a setting's name is that row's flag, on exactly the rows' commands."""
    parser = _subparser(command)
    carried = {action.dest: action for action in parser._actions if action.dest in ROW_NAMES}
    assert set(carried) == {option.name for option in rows_for(command)}
    for name, action in carried.items():
        assert action.option_strings == [row(name).flag]
        assert action.default is None  # not given: the environment and the profile have their say
        assert action.type is row(name).argument_type  # the profile is a Path, as the commands read it
    page = parser.format_help()
    for option in rows_for(command):
        assert option.flag in page
        if option.variable:
            assert option.variable in " ".join(page.split())


def test_no_secret_has_a_flag_or_an_option() -> None:
    """Credentials and tokens come from the environment or the profile: never a process list."""
    for option in ROWS:
        if option.secret:
            assert (option.flag, option.pytest_option, option.commands) == (None, None, frozenset())
    assert {option.name for option in ROWS if option.secret} == SECRET_SETTINGS


@pytest.mark.processes
def test_the_suites_pytest_options_are_exactly_the_rows(tmp_path: Path) -> None:
    suite = Path(contract_tests.__file__).parent
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    page = subprocess.run(
        [sys.executable, "-m", "pytest", str(suite), "-c", str(tmp_path / "pytest.ini"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=tmp_path,
    ).stdout
    group = page.split("contract suite (contract_tests/):", 1)[1].split("\n\n", 1)[0]
    listed = {line.split()[0].split("=")[0] for line in group.splitlines() if line.startswith("  --")}
    assert listed == {option.pytest_option for option in ROWS if option.pytest_option}
    flat = " ".join(group.split())
    for option in ROWS:
        if option.pytest_option and option.variable:
            assert option.variable in flat, option.name


def test_the_settings_fields_defaults_and_variables_are_the_rows() -> None:
    fields = {item.name: item for item in dataclasses.fields(ContractSettings) if item.name != "profile"}
    assert set(fields) == {option.name for option in SETTINGS_ROWS}
    for option in SETTINGS_ROWS:
        assert fields[option.name].default == option.default, option.name
        assert option.variable == f"CONTRACT_{option.name.upper()}"


def _every_setting(tmp_path: Path) -> ContractSettings:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    return ContractSettings(
        base_url="https://platform.example",
        username=Secret("qa-user"),
        password=Secret("qa-password"),
        token_path="/oauth/token",
        credentials_in="json",
        token_params=(("grant_type", "password"), ("client_id", "qa")),
        protected_path="/v1/me",
        expiry_wait=7.5,
        expired_token=Secret("an-expired-token"),
        timeout=3.0,
        examples=4,
        ca_bundle=bundle,
        allow_http=True,
    )


def test_a_child_is_given_every_layered_row_and_reads_back_the_same_settings(tmp_path: Path) -> None:
    """What `load` gives its Locust processes: each setting a CONTRACT_* variable, none an argument."""
    settings = _every_setting(tmp_path)
    environment = child_environment(settings)
    assert set(environment) == {option.variable for option in SETTINGS_ROWS}
    assert load_settings(environ=environment) == settings


def test_the_suite_child_is_given_every_option_row_and_no_secret() -> None:
    every = {option.name: "x" for option in ROWS if option.pytest_option}
    argv = suite_argv(argparse.Namespace(**every, username="qa", password="pw"))
    assert [part for part in argv if part.startswith("--")] == [
        option.pytest_option for option in ROWS if option.pytest_option
    ]
    assert "qa" not in argv
    assert "pw" not in argv
    switch = suite_argv(argparse.Namespace(allow_http=True, timeout=None))
    assert switch == ["--allow-http"]


def test_options_given_are_every_non_secret_setting() -> None:
    assert set(given(argparse.Namespace())) == {o.name for o in SETTINGS_ROWS if not o.secret}


@pytest.mark.parametrize("option", ROWS, ids=[option.name for option in ROWS])
def test_the_preflights_hint_names_the_rows_flag_and_variable(option: TargetOption) -> None:
    if not option.layered:
        return  # the profile and --advisory are never the pre-flight's to blame
    line = hint(option.name)
    assert str(option.variable) in line
    if option.flag:
        assert line == f"{option.flag} ({option.variable})"
        assert where(option.name) == f"{option.variable} (environment, profile or {option.flag})"
    else:
        assert "environment or profile" in line
        assert where(option.name) == f"{option.variable} (environment or profile)"


def test_the_preflight_blames_settings_by_the_tables_hints() -> None:
    for name, line in preflight.SETTING.items():
        expected = hint("username", "password") if name == "credentials" else hint(name)
        assert line == expected
