"""The data files the suite reads: the token response schema and the OpenAPI contract.

They live in fixtures/ beside the mock's data, found and parsed by the mock's one loader
(`mockserver/data.py`: a checkout or the wheel), so the two never disagree on where or how.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from mockserver.data import fixture_path, load_json, load_yaml

__all__ = ["contract_openapi", "token_response_schema"]


@cache
def _load(name: str) -> Any:
    path = fixture_path(name)
    return load_yaml(path) if name.endswith((".yaml", ".yml")) else load_json(path)


def token_response_schema() -> dict[str, Any]:
    return copy.deepcopy(_load("schemas/token_response.json"))


def contract_openapi() -> dict[str, Any]:
    return copy.deepcopy(_load("contract-openapi.yaml"))
