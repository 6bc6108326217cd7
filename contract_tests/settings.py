"""One frozen ContractSettings, read once: defaults < --contract-profile TOML < CONTRACT_* env < options.

This is the only module that reads the environment. Credentials (and a known expired token) come
from the environment or the profile only, never from command-line options, which end up in shell
histories and process lists. Validation happens here, in the constructor, and a ConfigError names
the setting to fix in one line.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from mockserver.core.redaction import is_secret_field

from .loopback import is_loopback
from .redaction import Secret, register

__all__ = [
    "CREDENTIALS_IN",
    "ENV_PREFIX",
    "SECRET_SETTINGS",
    "ConfigError",
    "ContractSettings",
    "load_settings",
]

ENV_PREFIX = "CONTRACT_"
CREDENTIALS_IN = ("form", "json", "query")
SECRET_SETTINGS = frozenset({"username", "password", "expired_token"})
LIVE_REQUIRED = ("username", "password", "protected_path")
_WHERE = {
    "username": "CONTRACT_USERNAME (environment or profile)",
    "password": "CONTRACT_PASSWORD (environment or profile)",
    "protected_path": "CONTRACT_PROTECTED_PATH (environment, profile or --protected-path)",
}


class ConfigError(ValueError):
    """A setting is missing or wrong; the message names it and never shows a secret."""


@dataclass(frozen=True)
class ContractSettings:
    """What the suite is told about its target. `base_url` None means the bundled mock."""

    base_url: str | None = None
    username: Secret | None = None
    password: Secret | None = None
    token_path: str = "/authorization"
    credentials_in: str = "form"
    token_params: tuple[tuple[str, str], ...] = ()
    protected_path: str | None = None
    expiry_wait: float = 0.0
    expired_token: Secret | None = None
    timeout: float = 10.0
    examples: int | None = None  # schemathesis cases per operation and mode; None: the target's budget
    ca_bundle: Path | None = None  # the CAs a live https target's certificate is checked against
    allow_http: bool = False  # plain http off the loopback: the credentials would cross a network in clear
    profile: Path | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.base_url is not None:
            _check_base_url(self.base_url)
            _refuse_plain_http(self.base_url, self.allow_http)
            missing = [_WHERE[name] for name in LIVE_REQUIRED if getattr(self, name) is None]
            if missing:
                raise ConfigError(f"a live run against {self.base_url} needs {'; '.join(missing)}")
        for name in ("token_path", "protected_path"):
            value = getattr(self, name)
            _require(value is None or (value.startswith("/") and "?" not in value), name, "must be a path")
        _require(self.credentials_in in CREDENTIALS_IN, "credentials_in", f"must be one of {CREDENTIALS_IN}")
        _require(math.isfinite(self.expiry_wait) and self.expiry_wait >= 0, "expiry_wait", "must be >= 0")
        _require(math.isfinite(self.timeout) and self.timeout > 0, "timeout", "must be > 0 seconds")
        _require(self.examples is None or self.examples >= 1, "examples", "must be at least 1")
        if self.ca_bundle is not None:
            _require(
                self.ca_bundle.is_file(),
                "ca_bundle",
                f"must be a file of PEM certificates: {self.ca_bundle} is none",
            )

    @property
    def is_live(self) -> bool:
        return self.base_url is not None

    @property
    def verify(self) -> bool | str:
        """`verify=` for every request: the CA bundle, else True (the system's trust). Passed per
        request, never set on a Session, where REQUESTS_CA_BUNDLE would win over it."""
        return str(self.ca_bundle) if self.ca_bundle is not None else True


def env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


def _require(condition: bool, name: str, message: str) -> None:
    if not condition:
        raise ConfigError(f"{env_name(name)} {message}")


def _check_base_url(url: str) -> None:
    parts = urlsplit(url)
    _require(parts.scheme in ("http", "https") and bool(parts.hostname), "base_url", "must be an http(s) URL")
    _require(parts.username is None and parts.password is None, "base_url", "must not hold credentials")
    _require(not parts.query and not parts.fragment, "base_url", "must not have a query or fragment")


def _refuse_plain_http(url: str, allowed: bool) -> None:
    """Plain http off the loopback is refused before anything is sent, unless the user allowed it: the
    pre-flight's first login would send the password in clear (the TLS check judges it afterwards)."""
    if urlsplit(url).scheme == "http" and not is_loopback(url) and not allowed:
        raise ConfigError(
            f"CONTRACT_BASE_URL {url} is plain http off the loopback: the password would cross the "
            "network in clear; use https, or allow it with --allow-http (CONTRACT_ALLOW_HTTP=1)"
        )


def load_settings(
    *,
    environ: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
    profile: str | Path | None = None,
) -> ContractSettings:
    """Apply each layer in order; later layers win. Options never carry secrets."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    if profile:
        values.update(_read_profile(Path(profile)))
    values.update(_from_environ(environ))
    for name, value in (options or {}).items():
        if value is not None and value is not False:  # a switch not given leaves the lower layers be
            if name in SECRET_SETTINGS:
                raise ConfigError(f"{env_name(name)} is accepted from the environment or profile only")
            values[name] = value
    values = {name: _coerce(name, value) for name, value in values.items()}
    return ContractSettings(**values, profile=Path(profile) if profile else None)


def _read_profile(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"contract profile not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"contract profile {path} is not valid TOML: {exc}") from None
    section = data.get("contract", data)
    return {key.replace("-", "_").lower(): value for key, value in section.items()}


def _from_environ(environ: Mapping[str, str]) -> dict[str, str]:
    known = {item.name for item in fields(ContractSettings)} - {"profile"}
    found = {}
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX) :].lower()
            if name not in known:
                raise ConfigError(f"unknown setting in the environment: {key}")
            if value != "":
                found[name] = value
    return found


def _coerce(name: str, value: Any) -> Any:
    if name not in {item.name for item in fields(ContractSettings)} or name == "profile":
        raise ConfigError(f"unknown contract setting {name!r}")
    if name in SECRET_SETTINGS:
        _require(isinstance(value, str) and value != "", name, "must be a non-empty string")
        return Secret(value)
    if name == "token_params":
        return _token_params(value)
    if name in ("expiry_wait", "timeout"):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{env_name(name)} must be a number of seconds, got {value!r}") from None
    if name == "examples":
        return _whole_number(name, value)
    if name == "allow_http":
        return _yes_or_no(name, value)
    if name == "base_url":
        return str(value).rstrip("/")
    if name == "ca_bundle":
        return Path(str(value))
    return str(value)


def _whole_number(name: str, value: Any) -> int:
    """A count from the environment (text), a profile (an integer) or an option; never a bool or 2.5."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value)
    raise ConfigError(f"{env_name(name)} must be a whole number, got {value!r}")


def _yes_or_no(name: str, value: Any) -> bool:
    """A switch from the environment (1/0, true/false, yes/no, on/off), a profile or an option."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{env_name(name)} must be 1 or 0 (true or false), got {str(value)[:20]!r}")


def _token_params(value: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(value, Mapping):
        return tuple((str(k), str(v)) for k, v in value.items())
    try:
        pairs = parse_qsl(str(value), keep_blank_values=True, strict_parsing=bool(value))
    except ValueError:
        # the value is not shown: it may hold a client_secret
        raise ConfigError("CONTRACT_TOKEN_PARAMS must be urlencoded pairs (a=b&c=d)") from None
    clashes = {key for key, _ in pairs} & {"username", "password"}
    if clashes:
        raise ConfigError("CONTRACT_TOKEN_PARAMS must not hold the credentials")
    for key, secret in pairs:
        if is_secret_field(key):
            register(secret)  # client_secret, refresh_token...: masked in every output like the password
    return tuple(pairs)
