"""Credentials for a live platform: from the environment or the profile, else asked at a terminal.

Never from command-line arguments: those end up in shell histories, process lists and CI logs.
At a terminal the password is read with getpass, so it is not echoed; without a terminal (CI)
nothing is asked and the suite's own message names the variables to set.
"""

from __future__ import annotations

import getpass
import sys
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

from contract_tests.options import row

__all__ = ["CREDENTIALS", "ask_credentials", "is_live", "missing_credentials"]

CREDENTIALS = {name: str(row(name).variable) for name in ("username", "password")}  # in the order asked


def _profile_names(profile: Path | None) -> set[str]:
    """The settings a contract profile holds; an unreadable one holds none (the suite will say why)."""
    if profile is None:
        return set()
    try:
        data = tomllib.loads(profile.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return set()
    section = data.get("contract", data)
    return {str(key).replace("-", "_").lower() for key, value in section.items() if value}


def is_live(base_url: str | None, environ: Mapping[str, str], profile: Path | None) -> bool:
    """A platform is named (option, environment or profile): the run needs credentials."""
    named = base_url or environ.get(str(row("base_url").variable))
    return bool(named) or "base_url" in _profile_names(profile)


def missing_credentials(environ: Mapping[str, str], profile: Path | None) -> list[str]:
    """The credentials (username, password) that neither the environment nor the profile gives."""
    in_profile = _profile_names(profile)
    return [
        name for name, variable in CREDENTIALS.items() if not environ.get(variable) and name not in in_profile
    ]


def ask_credentials(
    names: list[str],
    *,
    ask: Callable[[str], str] = input,
    ask_secret: Callable[[str], str] = getpass.getpass,
) -> dict[str, str]:
    """Ask for each missing credential; the answer goes into the suite's environment, nowhere else."""
    answers = {}
    for name in names:
        question = f"{CREDENTIALS[name]} ({name} on the platform): "
        try:
            answers[CREDENTIALS[name]] = ask_secret(question) if name == "password" else ask(question)
        except (EOFError, KeyboardInterrupt):  # Ctrl-D or Ctrl-C: the command says so on a line of its own
            sys.stderr.write("\n")
            raise
    return answers
