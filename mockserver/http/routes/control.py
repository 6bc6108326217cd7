"""The control API under /_mock/: tests move the clock, revoke tokens, add users, read the journal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.errors import OAuthError
from ...core.tokens import TokenClaims
from ...core.users import User
from ...schemas import first_error
from ..access import guard_control_api, refuse_cross_site, refuse_foreign_host
from ..body import is_json
from ..current import state
from ..json_input import parse_json_object

__all__ = ["blueprint"]

blueprint = Blueprint("control", __name__, url_prefix="/_mock")

# 3000-01-01: the latest time the clock may show, as `set`'s maximum in the schema says.
LATEST_TIME = 32_503_680_000.0


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@blueprint.before_request
def guard() -> None:
    """Loopback or control token, a name of the mock as Host, no cross-site page, JSON to change state."""
    settings = state().settings
    guard_control_api(settings)
    refuse_foreign_host(settings)
    refuse_cross_site()
    if request.method not in SAFE_METHODS and not is_json(request.mimetype):
        # No HTML form can send JSON, and a page may not send it cross-origin without a preflight.
        raise OAuthError.invalid_request(
            "a call that changes the mock needs a JSON object body (Content-Type: application/json); "
            "send {} when it takes no arguments"
        )


def json_body(schema: str) -> dict[str, Any]:
    """The request's JSON object, checked against its schema in fixtures/schemas/control.json."""
    if not is_json(request.mimetype):
        raise OAuthError.invalid_request("the body must be a JSON object (application/json)")
    body = parse_json_object(request.get_data())
    problem = first_error(schema, body)
    if problem is not None:
        raise OAuthError.invalid_request(problem)
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
    if "advance" in body and clock.now() + body["advance"] > LATEST_TIME:
        # A valid step that the clock's current time forbids: 409, as the state conflicts, not the body.
        raise OAuthError(
            "conflict", f"advance: the clock would pass {_iso(LATEST_TIME)}, the latest time it can show", 409
        )
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
        return jsonify(revoked=tokens.revoke(body["token"]))
    tokens.revoke_user(body["username"])
    return jsonify(revoked=True)


@blueprint.get("/users")
def list_users() -> Response:
    """Every user without the password, and `locked_for`: the seconds a lockout still holds, or 0."""
    return jsonify(
        users=[{**user.public(), "locked_for": _locked_for(user.username)} for user in state().users.all()]
    )


def _locked_for(username: str) -> int:
    try:
        state().lockout.check(username)
    except OAuthError as locked:
        return int(locked.headers.get("Retry-After", "1"))
    return 0


@blueprint.get("/tokens")
def list_tokens() -> Response:
    """The tokens whose logins the journal holds, newest first: hash `id`, prefix, claims, `state`."""
    mock = state()
    now = mock.clock.now()
    listed = []
    for record in _issued_records():
        key, claims = record["id"], _claims(record)
        listed.append(
            {
                **{name: record[name] for name in ("id", "prefix", "username", "issued_at", "expires_at")},
                "expires_in": max(0.0, claims.expires_at - now),
                "state": mock.tokens.state_of(key, claims),
            }
        )
    return jsonify(tokens=listed)


@blueprint.delete("/tokens/<token_id>")
def revoke_listed_token(token_id: str) -> Response:
    """Revoke a token listed by GET /_mock/tokens, by its `id` (its hash): the page never holds a token."""
    json_body("empty")
    for record in _issued_records():
        if record["id"] == token_id:
            return jsonify(revoked=state().tokens.revoke_key(token_id, _claims(record)))
    raise OAuthError("not_found", "no token with that id in the journal", 404)


def _issued_records() -> list[dict[str, Any]]:
    """The `issued` records of the journal's logins, newest first."""
    return [entry.issued for entry in reversed(state().journal.entries()) if entry.issued is not None]


def _claims(record: dict[str, Any]) -> TokenClaims:
    return TokenClaims(record["username"], record["issued_at"], record["expires_at"], record["epoch"])


@blueprint.post("/users")
def add_user() -> tuple[Response, int]:
    user = User.from_dict(json_body("user"))
    state().users.add(user)
    return jsonify(user.public()), 201


@blueprint.get("/faults")
def list_faults() -> Response:
    return jsonify(faults=[fault.to_dict() for fault in state().faults.all()])


@blueprint.post("/faults")
def add_fault() -> tuple[Response, int]:
    fault = state().faults.add(json_body("fault"))
    return jsonify(fault.to_dict()), 201


@blueprint.delete("/faults")
def clear_faults() -> tuple[str, int]:
    json_body("empty")
    state().faults.clear()
    return "", 204


@blueprint.delete("/faults/<fault_id>")
def remove_fault(fault_id: str) -> tuple[str, int]:
    json_body("empty")
    if not state().faults.remove(fault_id):
        raise OAuthError("not_found", f"no fault with id {fault_id!r}", 404)
    return "", 204


@blueprint.get("/requests")
def list_requests() -> Response:
    """The journal, oldest first; with `--journal-size 0`, empty and `"journal": "off"` says why."""
    journal = state().journal
    if not journal.keeps:
        return jsonify(requests=[], journal="off")
    return jsonify(requests=[entry.to_dict() for entry in journal.entries()])


@blueprint.delete("/requests")
def clear_requests() -> tuple[str, int]:
    json_body("empty")
    state().journal.clear()
    return "", 204


@blueprint.post("/reset")
def reset() -> tuple[str, int]:
    json_body("empty")
    state().reset()
    return "", 204


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()
