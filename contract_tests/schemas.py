"""The data files the suite reads: the token response schema and the OpenAPI contract.

They live in fixtures/ beside the mock's data. A checkout keeps fixtures/ beside the packages;
the wheel ships it inside the mockserver package, so both places are tried.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["contract_openapi", "fixture_path", "token_response_schema"]


def _candidates() -> list[Path]:
    found = [Path(__file__).resolve().parent.parent / "fixtures"]
    spec = importlib.util.find_spec("mockserver")
    if spec is not None and spec.origin is not None:
        found.append(Path(spec.origin).resolve().parent / "fixtures")
    return found


def fixture_path(name: str) -> Path:
    for directory in _candidates():
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(f"{name} is in none of {[str(path) for path in _candidates()]}")


@cache
def _load(name: str) -> Any:
    text = fixture_path(name).read_text(encoding="utf-8")
    if name.endswith((".yaml", ".yml")):  # libyaml's parser when PyYAML has it, as yaml.safe_load
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return json.loads(text)


def token_response_schema() -> dict[str, Any]:
    return copy.deepcopy(_load("schemas/token_response.json"))


def contract_openapi() -> dict[str, Any]:
    return copy.deepcopy(_load("contract-openapi.yaml"))
