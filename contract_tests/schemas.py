"""The data files the suite reads: the token response schema and the OpenAPI contract.

They live in fixtures/ beside the mock's data, found and parsed by the mock's one loader
(`mockserver/data.py`: a checkout or the wheel), so the two never disagree on where or how.
A value is checked against a rule of them strictly (`schema_errors`): a whole-string pattern, and
an integer that is no float.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.validators import extend

from mockserver.data import fixture_path, load_json, load_yaml

__all__ = ["contract_openapi", "schema_errors", "token_response_schema"]


@cache
def _load(name: str) -> Any:
    path = fixture_path(name)
    return load_yaml(path) if name.endswith((".yaml", ".yml")) else load_json(path)


def token_response_schema() -> dict[str, Any]:
    return copy.deepcopy(_load("schemas/token_response.json"))


def contract_openapi() -> dict[str, Any]:
    return copy.deepcopy(_load("contract-openapi.yaml"))


def _is_strict_integer(_checker: Any, instance: object) -> bool:
    """JSON Schema calls 3600.0 an integer; a client parsing `expires_in` into an int does not."""
    return isinstance(instance, int) and not isinstance(instance, bool)


def _whole_pattern(
    _validator: Any, pattern: str, instance: object, _schema: Any
) -> Iterator[ValidationError]:
    """The patterns are anchored ^…$ for the whole value, but Python's `$` also matches before a final
    newline: `"Bearer\\n"` would pass. The whole string must match."""
    if isinstance(instance, str) and re.fullmatch(pattern, instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r} as a whole")


_Validator = extend(
    Draft202012Validator,
    validators={"pattern": _whole_pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_strict_integer),
)


def schema_errors(rule: dict[str, Any], value: Any) -> list[str]:
    """What is wrong with `value` under `rule` (one JSON Schema), strictly; empty when nothing is."""
    return [error.message for error in _Validator(rule).iter_errors(value)]
