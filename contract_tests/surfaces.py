"""Every surface of the target's settings, generated from the one table (options.py).

- `add_arguments(parser, command)`: the flags of `authcontract check`, `compare` or `load`;
- `add_pytest_options(group)`: the suite's own pytest options;
- `given(values, command)`: what a parsed command line set, for `load_settings(options=...)`;
- `suite_argv(values)`: the suite's options for a child pytest (no secret has an option);
- `child_environment(settings)`: the resolved settings as CONTRACT_* variables, for a child
  process that reads them itself (Locust), secrets included: never its arguments.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from .options import ROWS, rows_for
from .redaction import Secret

if TYPE_CHECKING:
    import pytest

    from .settings import ContractSettings

__all__ = ["add_arguments", "add_pytest_options", "child_environment", "given", "suite_argv"]


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """The flags of `command`: one per row that names it, each defaulting to None (not given)."""
    for option in rows_for(command):
        assert option.flag is not None
        extra: dict[str, Any] = {"dest": option.name, "default": None, "help": option.described()}
        if option.switch:
            extra["action"] = "store_true"
        else:
            extra["metavar"] = option.metavar
            extra["choices"] = option.choices
            extra["type"] = option.argument_type
        parser.add_argument(option.flag, **extra)


def add_pytest_options(group: pytest.OptionGroup) -> None:
    """The suite's options, `dest` contract_<name>; `--advisory` alone has choices and a default (warn)."""
    for option in ROWS:
        if option.pytest_option is None:
            continue
        extra: dict[str, Any] = {"dest": option.pytest_dest, "default": None, "help": option.described()}
        if option.switch:
            extra["action"] = "store_true"
        if option.name == "advisory":  # a setting's value is the settings' to judge, in one line
            extra["choices"], extra["default"] = option.choices, "warn"
        group.addoption(option.pytest_option, **extra)


def given(parsed: argparse.Namespace | Mapping[str, Any]) -> dict[str, Any]:
    """The settings a command line gave (a Namespace, or the suite's options by name), for
    `load_settings(options=...)`: every row that is a setting and no secret; None where not given."""
    read = parsed.get if isinstance(parsed, Mapping) else lambda name: getattr(parsed, name, None)
    return {option.name: read(option.name) for option in ROWS if option.setting and not option.secret}


def suite_argv(parsed: argparse.Namespace) -> list[str]:
    """The suite's own options for what `parsed` holds: `--contract-timeout 3`, a switch bare."""
    argv: list[str] = []
    for option in ROWS:
        value = getattr(parsed, option.name, None)
        if option.pytest_option is None or value is None or value is False:
            continue
        argv += [option.pytest_option] if value is True else [option.pytest_option, str(value)]
    return argv


def child_environment(settings: ContractSettings) -> dict[str, str]:
    """Every layered setting as its CONTRACT_* variable, as load_settings() reads it back."""
    found: dict[str, str] = {}
    for option in ROWS:
        if not (option.setting and option.variable):
            continue
        text = _as_text(getattr(settings, option.name))
        if text:
            found[option.variable] = text
    return found


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Secret):
        return value.reveal()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return urlencode(value)
    return str(value)
