"""Find the data files in fixtures/, from a checkout or from an installed wheel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["fixture_path", "fixtures_dir", "load_json", "load_yaml"]

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
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def load_yaml(path: Path) -> Any:
    import yaml

    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
