"""The protected API: /me and the routes declared in the routes data file."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.routes_file import RouteSpec
from ...core.state import MockState
from ...core.tokens import TokenClaims
from ...core.users import User
from ..bearer import authenticate_header, check_permission
from ..current import state

__all__ = ["make_blueprint", "me_fields"]


def authorize(permission: str | None) -> tuple[TokenClaims, User]:
    """The caller's token claims and user, or the RFC 6750 error that refuses the call."""
    mock = state()
    header = request.environ.get("HTTP_AUTHORIZATION")  # as request.headers has it, without building that
    claims, user = authenticate_header(header, mock.tokens, mock.users)
    check_permission(user, permission)
    return claims, user


def me_fields(environ: dict[str, Any], mock: MockState) -> dict[str, Any]:
    """GET /me's answer: who the token speaks for, with what permissions, until when.

    The one place that decides it, for the Flask view and for the direct lane (`direct.py`).
    """
    header = environ.get("HTTP_AUTHORIZATION")  # as request.headers has it, without building that
    claims, user = authenticate_header(header, mock.tokens, mock.users)
    return {
        "username": user.username,
        "permissions": sorted(user.permissions),
        "expires_at": int(claims.expires_at),
    }


def make_blueprint(routes: list[RouteSpec]) -> Blueprint:
    blueprint = Blueprint("api", __name__)

    @blueprint.get("/me")
    def me() -> Response:
        return jsonify(me_fields(request.environ, state()))

    for spec in routes:
        blueprint.add_url_rule(
            spec.path, endpoint=spec.endpoint, view_func=_declared_view(spec), methods=[spec.method]
        )
    return blueprint


def _declared_view(spec: RouteSpec) -> Any:
    def view(**_path_values: str) -> Response:
        authorize(spec.permission)
        if spec.status == 204 or spec.body is None:
            return Response(status=spec.status)
        response = jsonify(spec.body)
        response.status_code = spec.status
        return response

    return view
