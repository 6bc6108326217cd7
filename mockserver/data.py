"""Find the data files in fixtures/, from a checkout or from an installed wheel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["DEMO_USERNAME", "demo_credentials", "fixture_path", "fixtures_dir", "load_json", "load_yaml"]

DEMO_USERNAME = "demo"  # the bundled users' demo, with every sample permission (fixtures/users.json)

_PACKAGE = Path(__file__).resolve().parent
_CANDIDATES = (_PACKAGE / "fixtures", _PACKAGE.parent / "fixtures")


def fixtures_dir() -> Path:
    """The wheel ships the data inside the package; a checkout keeps it beside the package."""
    for candidate in _CANDIDATES:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no fixtures directory in {[str(c) for c in _CANDIDATES]}")


def fixture_path(name: str) -> Path:
    return fixtures_dir() / name


def load_json(path: Path) -> Any:
    """The file's JSON; a file that is not JSON is named in the error, with where it went wrong."""
    with path.open(encoding="utf-8") as handle:
        try:
            return json.load(handle)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{path} is not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
            ) from None
        except UnicodeDecodeError:
            raise ValueError(f"{path} is not JSON: it is not UTF-8 text") from None


def load_yaml(path: Path) -> Any:
    """yaml.safe_load, with libyaml's parser when PyYAML has it (the faster one: bench/FINDINGS.md)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader, C or Python


def demo_credentials() -> tuple[str, str]:
    """The demo user's name and password, as fixtures/users.json holds them: the one place they are
    defined, for the plugin, the suite, `compare` and `load` alike."""
    users = load_json(fixture_path("users.json"))["users"]
    return DEMO_USERNAME, next(str(user["password"]) for user in users if user["username"] == DEMO_USERNAME)
