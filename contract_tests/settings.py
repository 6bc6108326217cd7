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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .loopback import is_loopback
from .options import CREDENTIALS_IN, ENV_PREFIX, ROWS, default, row, where
from .redaction import Secret, keep, say
from .values import ConfigError

__all__ = [
    "CREDENTIALS_IN",
    "ENV_PREFIX",
    "SECRET_SETTINGS",
    "ConfigError",
    "ContractSettings",
    "load_settings",
]

SECRET_SETTINGS = frozenset(option.name for option in ROWS if option.secret)
LIVE_REQUIRED = ("username", "password", "protected_path")
LAYERED = frozenset(option.name for option in ROWS if option.setting and option.layered)
_ALLOW = row("allow_http")


@dataclass(frozen=True)
class ContractSettings:
    """What the suite is told about its target. `base_url` None means the bundled mock."""

    base_url: str | None = None
    username: Secret | None = None
    password: Secret | None = None
    token_path: str = default("token_path")
    credentials_in: str = default("credentials_in")
    token_params: tuple[tuple[str, str], ...] = default("token_params")
    protected_path: str | None = None
    expiry_wait: float = default("expiry_wait")
    expired_token: Secret | None = None
    timeout: float = default("timeout")
    examples: int | None = None  # schemathesis cases per operation and mode; None: the target's budget
    ca_bundle: Path | None = None  # the CAs a live https target's certificate is checked against
    allow_http: bool = default("allow_http")  # plain http off the loopback: the password in clear
    profile: Path | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.base_url is not None:
            _check_base_url(self.base_url)
            _refuse_plain_http(self.base_url, self.allow_http)
            missing = [where(name) for name in LIVE_REQUIRED if getattr(self, name) is None]
            if missing:
                for hint in missing:  # the tool's words: a password that spells "path" leaves them whole
                    keep(hint)
                needs = "; ".join(missing)
                raise ConfigError(
                    say("a live run against {url} needs {needs}", url=self.base_url, needs=needs)
                )
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
            f"network in clear; use https, or allow it with {_ALLOW.flag} ({_ALLOW.variable}=1)"
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
    found = {}
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX) :].lower()
            if name not in LAYERED:
                raise ConfigError(f"unknown setting in the environment: {key}")
            if value != "":
                found[name] = value
    return found


def _coerce(name: str, value: Any) -> Any:
    """The value read by its row's parser (options.py)."""
    if name not in LAYERED:
        raise ConfigError(f"unknown contract setting {name!r}")
    return row(name).parse(env_name(name), value)
