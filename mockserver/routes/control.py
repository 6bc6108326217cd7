"""The control API under /_mock/: tests move the clock, revoke tokens, add users, read the journal."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from jsonschema import Draft202012Validator

from ..data import fixture_path, load_json
from ..errors import OAuthError
from ..state import state
from ..users import User

__all__ = ["blueprint"]

blueprint = Blueprint("control", __name__, url_prefix="/_mock")

_SCHEMA = load_json(fixture_path("schemas/control.json"))


def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator({**_SCHEMA, "$ref": f"#/$defs/{name}"})


_VALIDATORS = {name: _validator(name) for name in _SCHEMA["$defs"]}


def json_body(schema: str) -> dict[str, Any]:
    """The request's JSON object, checked against its schema in fixtures/schemas/control.json."""
    body = request.get_json(silent=True)
    if body is None:
        raise OAuthError.invalid_request("the body must be a JSON object (application/json)")
    error = next(iter(_VALIDATORS[schema].iter_errors(body)), None)
    if error is not None:
        where = "/".join(map(str, error.absolute_path)) or "body"
        raise OAuthError.invalid_request(f"{where}: {error.message}")
    return body


def clock_view() -> Response:
    now = state().clock.now()
    return jsonify(now=now, iso=_iso(now))


@blueprint.get("/clock")
def get_clock() -> Response:
    return clock_view()


@blueprint.post("/clock")
def move_clock() -> Response:
    body = json_body("clock")
    clock = state().clock
    if "advance" in body:
        clock.advance(body["advance"])
    else:
        clock.set(body["set"])
    return clock_view()


@blueprint.post("/revoke")
def revoke() -> Response:
    body = json_body("revoke")
    tokens = state().tokens
    if "token" in body:
        return jsonify(revoked=int(tokens.revoke(body["token"])))
    return jsonify(revoked=tokens.revoke_user(body["username"]))


@blueprint.get("/users")
def list_users() -> Response:
    return jsonify(users=[user.public() for user in state().users.all()])


@blueprint.post("/users")
def add_user() -> tuple[Response, int]:
    user = User.from_dict(json_body("user"))
    state().users.add(user)
    return jsonify(user.public()), 201


@blueprint.get("/requests")
def list_requests() -> Response:
    return jsonify(requests=[entry.to_dict() for entry in state().journal.entries()])


@blueprint.delete("/requests")
def clear_requests() -> tuple[str, int]:
    state().journal.clear()
    return "", 204


@blueprint.post("/reset")
def reset() -> tuple[str, int]:
    state().reset()
    return "", 204


def _iso(timestamp: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, UTC).isoformat()
