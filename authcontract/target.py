"""The one way `check`, `compare` and `load` resolve their target from a command line.

Flags (from the table of target settings, contract_tests/options.py), then the CONTRACT_*
environment and the profile, with the suite's own rules; for a live target, credentials missing
from both are asked at a terminal. The result is the settings, and the environment a child
process of the command is given (the caller's, with the credentials asked).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from contract_tests.options import row

from .credentials import ask_credentials, is_live, missing_credentials

if TYPE_CHECKING:
    from contract_tests.settings import ContractSettings

__all__ = ["Resolved", "described", "environment", "resolve_target"]

BASE_URL = str(row("base_url").variable)


@dataclass(frozen=True)
class Resolved:
    """The target's settings, and the environment (credentials included) a child of the command runs in."""

    settings: ContractSettings
    env: dict[str, str]


def environment(args: argparse.Namespace, environ: Mapping[str, str], stdin: IO[str]) -> dict[str, str]:
    """The caller's environment (but PYTEST_ADDOPTS), and the credentials a live target lacks, asked
    at a terminal."""
    profile = getattr(args, "profile", None)
    env = {name: value for name, value in environ.items() if name != "PYTEST_ADDOPTS"}
    missing = missing_credentials(env, profile) if is_live(args.base_url, env, profile) else []
    if missing and stdin.isatty():
        env.update(ask_credentials(missing))
    return env


def resolve_target(args: argparse.Namespace, environ: Mapping[str, str], stdin: IO[str]) -> Resolved:
    """The settings the command line, the environment and the profile give; ConfigError names what
    is wrong in one line. The password is registered for redaction before anything can print it."""
    from contract_tests.redaction import register
    from contract_tests.settings import load_settings
    from contract_tests.surfaces import given

    env = environment(args, environ, stdin)
    register(env.get(str(row("password").variable)))
    settings = load_settings(environ=env, options=given(args), profile=getattr(args, "profile", None))
    return Resolved(settings, env)


def described(args: argparse.Namespace, environ: Mapping[str, str], otherwise: str) -> str:
    """The target as a report names it before its settings are resolved (or when they cannot be)."""
    return getattr(args, "base_url", None) or environ.get(BASE_URL) or otherwise
