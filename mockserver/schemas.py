"""The JSON schemas of fixtures/schemas/control.json, compiled once, for every body the mock is told."""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from .data import fixture_path, load_json

__all__ = ["first_error"]


@cache
def _validator(definition: str) -> Draft202012Validator:
    schema = load_json(fixture_path("schemas/control.json"))
    return Draft202012Validator({**schema, "$ref": f"#/$defs/{definition}"})


def first_error(definition: str, value: Any) -> str | None:
    """`where: what is wrong` for the first problem of `value`, or None if it is valid."""
    error = next(iter(_validator(definition).iter_errors(value)), None)
    if error is None:
        return None
    where = "/".join(map(str, error.absolute_path)) or "body"
    return f"{where}: {error.message}"
