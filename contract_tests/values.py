"""How each target setting's value is read: from the environment (text), a profile (TOML) or an option.

Every reader takes the setting's variable name (for its one-line error) and the raw value, and
returns the typed value or raises ConfigError naming the variable. A value that may be secret is
never shown in an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from mockserver.core.redaction import is_secret_field

from .redaction import Secret, register

__all__ = [
    "ConfigError",
    "base_url",
    "path",
    "seconds",
    "secret",
    "text",
    "token_params",
    "whole_number",
    "yes_or_no",
]


class ConfigError(ValueError):
    """A setting is missing or wrong; the message names it and never shows a secret."""


def text(variable: str, value: Any) -> str:
    return str(value)


def base_url(variable: str, value: Any) -> str:
    return str(value).rstrip("/")


def path(variable: str, value: Any) -> Path:
    return Path(str(value))


def secret(variable: str, value: Any) -> Secret:
    if not isinstance(value, str) or value == "":
        raise ConfigError(f"{variable} must be a non-empty string")
    return Secret(value)


def seconds(variable: str, value: Any) -> float:
    """A number of seconds; its range is the settings' to check."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{variable} must be a number of seconds, got {value!r}") from None


def whole_number(variable: str, value: Any) -> int:
    """A count from the environment (text), a profile (an integer) or an option; never a bool or 2.5."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value)
    raise ConfigError(f"{variable} must be a whole number, got {value!r}")


def yes_or_no(variable: str, value: Any) -> bool:
    """A switch from the environment (1/0, true/false, yes/no, on/off), a profile or an option."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{variable} must be 1 or 0 (true or false), got {str(value)[:20]!r}")


def token_params(variable: str, value: Any) -> tuple[tuple[str, str], ...]:
    """Urlencoded pairs (or a profile's table); a secret field among them is masked like the password."""
    if isinstance(value, Mapping):
        return tuple((str(k), str(v)) for k, v in value.items())
    try:
        pairs = parse_qsl(str(value), keep_blank_values=True, strict_parsing=bool(value))
    except ValueError:
        # the value is not shown: it may hold a client_secret
        raise ConfigError(f"{variable} must be urlencoded pairs (a=b&c=d)") from None
    if {key for key, _ in pairs} & {"username", "password"}:
        raise ConfigError(f"{variable} must not hold the credentials")
    for key, value_of_key in pairs:
        if is_secret_field(key):
            register(
                value_of_key
            )  # client_secret, refresh_token...: masked in every output like the password
    return tuple(pairs)
