"""One frozen Settings, read once: defaults < config file < MOCKSERVER_* environment < CLI flags."""

from __future__ import annotations

import dataclasses
import json
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .data import fixture_path
from .schemas import first_error, framing_problem

__all__ = ["DEFAULT_READ_TIMEOUT", "ENV_PREFIX", "ConfigError", "Settings", "load_settings"]

ENV_PREFIX = "MOCKSERVER_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A setting is missing or wrong; the message names it."""


MAX_TOKEN_TTL = 3_153_600_000
DEFAULT_READ_TIMEOUT = 10
MAX_READ_TIMEOUT = 3600


@dataclass(frozen=True)
class Settings:
    """Everything the mock can be told. Every field has a default that makes a usable mock."""

    host: str = "127.0.0.1"
    port: int = 8080
    token_ttl: int = 3600
    users: Path = dataclasses.field(default_factory=lambda: fixture_path("users.json"))
    routes: Path = dataclasses.field(default_factory=lambda: fixture_path("routes.json"))
    fake_users: int = 0
    seed: int = 1234
    realm: str = "authcontract-mock"
    control: bool = True
    invalid_grant_status: int = 400
    token_scope: bool = True  # the token answer names its scope (the user's permissions)
    error_descriptions: bool = True  # error answers carry error_description (body and challenge)
    error_cache_headers: bool = True  # error answers carry Cache-Control: no-store, Pragma: no-cache
    journal_size: int = 1000  # entries kept; 0: no journal at all, for pure load targets
    journal_bytes: int = 4 * 1024 * 1024  # per store (per worker's file with file://)
    log_requests: bool = True
    control_token: str | None = dataclasses.field(default=None, repr=False)
    lockout_after: int = 0
    lockout_seconds: int = 300
    faults: tuple[dict[str, Any], ...] = ()
    store: str = dataclasses.field(default="memory:", repr=False)  # a Redis URL may hold a password
    server: str = "granian"
    workers: int = 0
    read_timeout: int = DEFAULT_READ_TIMEOUT
    tls: bool = False  # HTTPS under a test CA made at start
    tls_cert: Path | None = None  # or HTTPS under this certificate chain (PEM) and key
    tls_key: Path | None = None

    def __post_init__(self) -> None:
        _require(0 <= self.port <= 65535, "port", "must be between 0 and 65535")
        _require(
            0 < self.token_ttl <= MAX_TOKEN_TTL,
            "token_ttl",
            f"must be a positive number of seconds, at most {MAX_TOKEN_TTL} (a hundred years)",
        )
        _require(self.fake_users >= 0, "fake_users", "must not be negative")
        _require(self.journal_size >= 0, "journal_size", "must not be negative (0: no journal)")
        _require(self.journal_bytes > 0, "journal_bytes", "must be positive")
        _require(
            self.invalid_grant_status in (400, 401),
            "invalid_grant_status",
            "must be 400 or 401 (RFC 6749 §5.2)",
        )
        _require(bool(self.realm) and '"' not in self.realm, "realm", "must be non-empty, no quotes")
        _require(self.lockout_after >= 0, "lockout_after", "must not be negative (0: no lockout)")
        _require(self.lockout_seconds > 0, "lockout_seconds", "must be positive")
        _require(self.workers >= 0, "workers", "must not be negative (0: one per core)")
        _require(
            0 < self.read_timeout <= MAX_READ_TIMEOUT,
            "read_timeout",
            f"must be a positive number of seconds, at most {MAX_READ_TIMEOUT}",
        )
        _require(self.server in ("granian", "werkzeug"), "server", "must be granian or werkzeug")
        _require(
            self.store == "memory:" or self.store.startswith(("file://", "redis://", "rediss://", "unix://")),
            "store",
            "must be memory:, file:///dir or redis://host:port/db",
        )
        _require(
            self.control_token is None or len(self.control_token) >= 16,
            "control_token",
            "must be at least 16 characters",
        )
        for index, spec in enumerate(self.faults):
            problem = first_error("fault", spec) or framing_problem(spec)
            _require(problem is None, "faults", f"entry {index} is wrong: {problem}")
        _require((self.tls_cert is None) == (self.tls_key is None), "tls_cert", "and tls_key go together")
        for name in ("users", "routes", "tls_cert", "tls_key"):
            path = getattr(self, name)
            _require(path is None or Path(path).is_file(), name, f"no such file: {path}")

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed, coerced and validated like any other layer."""
        return dataclasses.replace(self, **_coerce_all(changes, source="argument"))


def _require(condition: bool, name: str, message: str) -> None:
    if not condition:
        raise ConfigError(f"setting {name!r} {message}")


# Settings read from a file rather than given: the value would show in `ps` as a flag.
_FROM_FILE = {"control_token_file": "control_token"}


def load_settings(
    *,
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Apply each layer in order; later layers win. The only reader of the environment."""
    environ = {} if environ is None else environ
    layers: dict[str, Any] = {}
    config_file = config_file or environ.get(f"{ENV_PREFIX}CONFIG")
    if config_file:
        layers.update(_coerce_all(_read_config_file(Path(config_file)), source=str(config_file)))
    layers.update(_coerce_all(_from_environ(environ), source="environment"))
    layers.update(_coerce_all({k: v for k, v in (overrides or {}).items() if v is not None}, "flag"))
    return Settings(**layers)


def _read_from_files(values: dict[str, Any], source: str) -> dict[str, Any]:
    """`control_token_file = PATH` in a layer stands for `control_token = <the file's first line>`."""
    for file_name, name in _FROM_FILE.items():
        if file_name not in values:
            continue
        if name in values:
            raise ConfigError(
                f"setting {name!r} (from {source}) is given twice: directly and by {file_name!r}"
            )
        path = Path(str(values.pop(file_name)))
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"setting {file_name!r}: {path} cannot be read: {exc.__class__.__name__}"
            ) from None
        values[name] = lines[0].strip() if lines else ""
    return values


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.__class__.__name__}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    section = data.get("mockserver", data)
    if not isinstance(section, dict):
        raise ConfigError(f"config file {path}: [mockserver] must be a table of settings")
    return {key.replace("-", "_"): value for key, value in section.items()}


def _from_environ(environ: Mapping[str, str]) -> dict[str, str]:
    known = {field.name for field in fields(Settings)} | set(_FROM_FILE)
    found = {}
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX) and key != f"{ENV_PREFIX}CONFIG":
            name = key[len(ENV_PREFIX) :].lower()
            if name not in known:
                raise ConfigError(f"unknown setting in environment: {key}")
            found[name] = value
    return found


def _coerce_all(values: Mapping[str, Any], source: str) -> dict[str, Any]:
    hints = typing.get_type_hints(Settings)
    coerced = {}
    for name, value in _read_from_files(dict(values), source).items():
        if name not in hints:
            raise ConfigError(f"unknown setting {name!r} (from {source})")
        coerced[name] = _coerce(name, value, hints[name], source)
    return coerced


def _coerce(name: str, value: Any, hint: Any, source: str) -> Any:
    target = _plain_type(hint)
    try:
        if target is tuple:
            return _to_tuple(value)
        if target is bool:
            return _to_bool(value)
        if target is int and isinstance(value, bool):
            raise ValueError("a boolean is not a number")
        if target is int and isinstance(value, float) and not value.is_integer():
            raise ValueError("a fraction would be truncated")
        return target(value)
    except (TypeError, ValueError):
        kind = "a JSON list" if target is tuple else getattr(target, "__name__", str(target))
        raise ConfigError(
            f"setting {name!r} (from {source}) must be {kind}, got {_shown(value, target)}"
        ) from None


def _shown(value: Any, target: Any) -> str:
    """A wrong value as the error quotes it: a short scalar in full; a list (faults may be long and
    hold what the user would rather not see echoed) or a long text by its size only."""
    text = repr(value)
    if target is not tuple and len(text) <= 40:
        return text
    size = f" of {len(value)} characters" if isinstance(value, str) else ""
    return f"a {type(value).__name__}{size} (not shown)"


def _plain_type(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin is tuple:
        return tuple
    if isinstance(hint, types.UnionType):
        return next(arg for arg in typing.get_args(hint) if arg is not type(None))
    return hint


def _to_tuple(value: Any) -> tuple[Any, ...]:
    """A list from TOML, or JSON text from the environment."""
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list | tuple):
        raise ValueError("a list")
    return tuple(value)


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(text)
