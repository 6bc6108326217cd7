"""Strict reading of JSON bodies: what Python's json module lets through would break the mock later.

`json.loads` accepts NaN and Infinity (and turns 1e400 into infinity), lone surrogates that no
UTF-8 encoder can write back, repeated keys (the last one silently wins), and nesting deep enough
to exhaust the stack of whatever walks the value next. Each of these is refused here, with one
error naming the problem, so nothing downstream meets them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from ..core.errors import OAuthError

__all__ = ["MAX_JSON_DEPTH", "parse_json_object"]

MAX_JSON_DEPTH = 32  # a fault's body is copied and serialised by every worker: deeper is never needed


class _Refused(ValueError):
    """Raised from inside the decoder's hooks; carries the description of the error answer."""


def parse_json_object(raw: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> dict[str, Any]:
    """The JSON object in `raw`, or 400 invalid_request saying what is wrong with it."""
    try:
        value = json.loads(
            raw.decode("utf-8"),
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            object_pairs_hook=_object_without_repeated_keys,
        )
    except _Refused as refused:
        raise OAuthError.invalid_request(str(refused)) from None
    except RecursionError:
        raise OAuthError.invalid_request("the JSON body is nested too deeply") from None
    except (UnicodeDecodeError, ValueError):
        raise OAuthError.invalid_request("the body is not valid UTF-8 JSON") from None
    if not isinstance(value, dict):
        raise OAuthError.invalid_request("the JSON body must be an object")
    _check_shape(value, max_depth)
    return value


def _refuse_constant(name: str) -> float:
    raise _Refused(f"the JSON body holds {name}, which is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _Refused(f"the JSON number {text[:24]!r} is out of range")
    return number


def _object_without_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Refused("the JSON body repeats a key")
    return obj


def _check_shape(value: object, max_depth: int) -> None:
    """Depth and text checked without recursion, so no nesting can exhaust the stack."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            _require_encodable(item)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > max_depth:
            raise OAuthError.invalid_request("the JSON body is nested too deeply")
        children: Iterable[Any]
        if isinstance(item, dict):
            for key in item:
                _require_encodable(key)
            children = item.values()
        else:
            children = item
        pending.extend((child, depth + 1) for child in children)


def _require_encodable(text: str) -> None:
    """A lone surrogate (\\ud800) decodes from JSON but cannot be written as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise OAuthError.invalid_request("the JSON body holds a lone surrogate (\\uD800-\\uDFFF)") from None
