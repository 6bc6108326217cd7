"""The JSON schemas of fixtures/schemas/control.json, compiled once, for every body the mock is told."""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from .data import fixture_path, load_json

__all__ = ["first_error"]


@cache
def _validator(definition: str) -> Draft202012Validator:
    schema = load_json(fixture_path("schemas/control.json"))
    return Draft202012Validator({**schema, "$ref": f"#/$defs/{definition}"})


def first_error(definition: str, value: Any, where: tuple[str, ...] = ()) -> str | None:
    """`where/path: what is wrong` for the first problem of `value`, or None if it is valid."""
    error = next(iter(_validator(definition).iter_errors(value)), None)
    if error is None:
        return None
    location = "/".join([*where, *map(str, error.absolute_path)]) or "body"
    return f"{location}: {_without_value(error)}"


def _without_value(error: ValidationError) -> str:
    """jsonschema's message quotes the rejected value, which may be or hold a secret: never shown.

    Most messages start with it; a number elsewhere is left alone, as it may be the schema's own
    bound (`2 is less than the minimum of 200`)."""
    quoted = repr(error.instance)
    if error.message.startswith(quoted):
        return "the value" + error.message[len(quoted) :]
    if isinstance(error.instance, str | dict | list):
        return error.message.replace(quoted, "the value")
    return error.message
