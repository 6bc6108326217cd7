"""What a body the mock is told must be: the JSON schemas of fixtures/schemas/control.json, compiled
once, and the one rule of a fault spec that a schema cannot say readably (no framing header)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from .data import fixture_path, load_json

__all__ = ["FRAMING_HEADERS", "first_error", "framing_problem"]

# Headers that frame the answer or manage the connection (RFC 9110 §7.6.1, RFC 9112 §6): the server
# writes them; a fault that set them too would break the answer's framing (a second length, a
# chunked body that is not chunked), so a fault spec naming one is refused.
FRAMING_HEADERS = frozenset(
    {
        "connection",
        "content-length",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


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


def framing_problem(spec: dict[str, Any]) -> str | None:
    """What is wrong with a schema-valid fault spec whose headers name a framing header, or None."""
    headers = spec.get("headers") or {}
    named = sorted(name for name in headers if name.lower() in FRAMING_HEADERS)
    if not named:
        return None
    return (
        f"headers: {', '.join(named)} frames the answer or the connection: the server sets it, a fault cannot"
    )
