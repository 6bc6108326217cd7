"""The target's settings, declared once: one row per setting, every surface generated from the rows.

A row names the setting (a ContractSettings field, or how the suite runs), the commands' flag
(`authcontract check`, `compare`, `load`), the environment variable, the suite's pytest option,
the profile key, how its value is read, its default, whether it is secret, its help and the hint
the pre-flight prints. surfaces.py makes the argparse flags, the pytest options and a child's
argv and environment from these rows; settings.py reads the layers with them; preflight.py names
them with `hint()`. A new setting is one new row: tests/suite/test_options.py checks every surface.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import values

__all__ = [
    "CHECK",
    "COMMANDS",
    "COMPARE",
    "CREDENTIALS_IN",
    "ENV_PREFIX",
    "LOAD",
    "ROWS",
    "TargetOption",
    "default",
    "hint",
    "row",
    "rows_for",
    "where",
]

ENV_PREFIX = "CONTRACT_"
CREDENTIALS_IN = ("form", "json", "query")
CHECK, COMPARE, LOAD = "check", "compare", "load"
COMMANDS = frozenset({CHECK, COMPARE, LOAD})


@dataclass(frozen=True)
class TargetOption:
    """One setting of a target, and every way it is given."""

    name: str  # the ContractSettings field (or, with setting=False, the suite's run option)
    help: str
    flag: str | None = None  # the commands' flag; None: no flag (a secret, or the suite's own only)
    commands: frozenset[str] = COMMANDS  # the commands that carry the flag
    pytest_option: str | None = None  # the suite's option; None: none
    parse: Callable[[str, Any], Any] = values.text  # (variable, raw value) -> the typed value
    default: Any = None
    secret: bool = False  # from the environment or the profile only, never an argument
    layered: bool = True  # a CONTRACT_* variable and a profile key; False: options only
    setting: bool = True  # a field of ContractSettings
    choices: tuple[str, ...] | None = None
    metavar: str | None = None
    switch: bool = False  # a flag without a value: given means true
    example: str = ""  # what the pre-flight's hint shows of a value, where there is no flag
    argument_type: Callable[[str], Any] | None = None  # what argparse makes of a flag's text, if not str

    @property
    def variable(self) -> str | None:
        return ENV_PREFIX + self.name.upper() if self.layered else None

    @property
    def profile_key(self) -> str | None:
        return self.name.replace("_", "-") if self.layered else None

    @property
    def pytest_dest(self) -> str:
        return f"contract_{self.name}"

    def described(self) -> str:
        """The help, with the variable and a default worth naming: `… (CONTRACT_TIMEOUT, default 10)`."""
        said = [self.variable] if self.variable else []
        if self.default is not None and not isinstance(self.default, (bool, tuple)):
            shown = f"{self.default:g}" if isinstance(self.default, float) else self.default
            said.append(f"default {shown}")
        return f"{self.help} ({', '.join(said)})" if said else self.help


ROWS: tuple[TargetOption, ...] = (
    TargetOption(
        "base_url",
        "the platform; none: the bundled mock (compare needs one)",
        flag="--base-url",
        pytest_option="--base-url",
        parse=values.base_url,
        metavar="URL",
    ),
    TargetOption("username", "the platform's user", parse=values.secret, secret=True, commands=frozenset()),
    TargetOption("password", "that user's password", parse=values.secret, secret=True, commands=frozenset()),
    TargetOption(
        "token_path",
        "the token endpoint",
        flag="--token-path",
        pytest_option="--token-path",
        default="/authorization",
        metavar="PATH",
    ),
    TargetOption(
        "credentials_in",
        "where the credentials go: form, json or query",
        flag="--credentials-in",
        pytest_option="--credentials-in",
        default="form",
        choices=CREDENTIALS_IN,
    ),
    TargetOption(
        "token_params",
        "extra urlencoded parameters sent with the credentials",
        commands=frozenset(),  # no flag: a client_secret would show in process lists
        pytest_option="--token-params",
        parse=values.token_params,
        default=(),
        example="e.g. grant_type=password",
    ),
    TargetOption(
        "protected_path",
        "a GET path that answers 2xx to a valid Bearer token",
        flag="--protected-path",
        pytest_option="--protected-path",
        metavar="PATH",
    ),
    TargetOption(
        "expiry_wait",
        "seconds the suite may wait for a token to expire",
        flag="--expiry-wait",
        commands=frozenset({CHECK}),
        pytest_option="--expiry-wait",
        default=0.0,
        parse=values.seconds,
        metavar="SECONDS",
    ),
    TargetOption(
        "expired_token",
        "a token known to be expired",
        parse=values.secret,
        secret=True,
        commands=frozenset(),
    ),
    TargetOption(
        "timeout",
        "seconds each HTTP call may take",
        flag="--timeout",
        pytest_option="--contract-timeout",
        default=10.0,
        parse=values.seconds,
        metavar="SECONDS",
    ),
    TargetOption(
        "examples",
        "schemathesis cases per operation and mode; none: 15 mock, 3 platform",
        flag="--examples",
        commands=frozenset({CHECK}),
        pytest_option="--contract-examples",
        parse=values.whole_number,
        metavar="N",
    ),
    TargetOption(
        "ca_bundle",
        "PEM file of the CAs to trust for an https platform",
        flag="--ca-bundle",
        pytest_option="--ca-bundle",
        parse=values.path,
        metavar="FILE",
    ),
    TargetOption(
        "allow_http",
        "allow a plain http platform off the loopback: the password crosses the network in clear",
        flag="--allow-http",
        pytest_option="--allow-http",
        parse=values.yes_or_no,
        default=False,
        switch=True,
    ),
    TargetOption(
        "profile",
        "TOML file of contract settings (a [contract] table)",
        flag="--profile",
        pytest_option="--contract-profile",
        parse=values.path,
        layered=False,
        setting=False,
        metavar="FILE",
        argument_type=Path,
    ),
    TargetOption(
        "advisory",
        "failed advisory (SHOULD-level) checks: a warning (default) or a failure",
        flag="--advisory",
        commands=frozenset({CHECK}),
        pytest_option="--advisory",
        layered=False,
        setting=False,
        choices=("warn", "fail"),
    ),
)
_BY_NAME = {option.name: option for option in ROWS}


def row(name: str) -> TargetOption:
    return _BY_NAME[name]


def rows_for(command: str) -> tuple[TargetOption, ...]:
    """The rows whose flag `command` carries, in the table's order."""
    return tuple(option for option in ROWS if option.flag and command in option.commands)


def default(name: str) -> Any:
    """The setting's default: what ContractSettings declares its field with."""
    return _BY_NAME[name].default


def hint(*names: str) -> str:
    """How to set these, for a one-line message: `--token-path (CONTRACT_TOKEN_PATH)`, or, for settings
    with no flag, `CONTRACT_USERNAME and CONTRACT_PASSWORD (environment or profile; no flag)`."""
    chosen = [_BY_NAME[name] for name in names]
    flagged = [f"{option.flag} ({option.variable})" for option in chosen if option.flag]
    bare = [option for option in chosen if not option.flag]
    if bare:
        example = next((option.example for option in bare if option.example), "no flag")
        variables = " and ".join(str(option.variable) for option in bare)
        flagged.append(f"{variables} (environment or profile; {example})")
    return " and ".join(flagged)


def where(name: str) -> str:
    """Where a required setting may come from, e.g.
    `CONTRACT_PROTECTED_PATH (environment, profile or --protected-path)`."""
    option = _BY_NAME[name]
    places = f"environment, profile or {option.flag}" if option.flag else "environment or profile"
    return f"{option.variable} ({places})"
