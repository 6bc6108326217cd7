"""The protected API: GET /me and the routes declared in the routes data file, as endpoints of the
data plane (`pipeline.py`): functions of a request, answering or raising the one error type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response
from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from ...core.routes_file import RouteSpec
from ...core.state import MockState
from ..bearer import authenticate_request, check_permission
from ..render import JsonReply

__all__ = ["Endpoint", "me", "rules"]

# a request, the mock, the path's values -> the answer
Endpoint = Callable[..., JsonReply | Response]


def me(request: Request, mock: MockState) -> JsonReply:
    """GET /me's answer: who the token speaks for, with what permissions, until when."""
    claims, user = authenticate_request(request.environ, mock.tokens, mock.users)
    expires_at = int(claims.expires_at)
    fields = {"username": user.username, "permissions": sorted(user.permissions), "expires_at": expires_at}
    return JsonReply(fields, key=("me", user.username, user.permissions, expires_at))


def rules(routes: list[RouteSpec]) -> list[Rule]:
    """GET /me, then each declared route, the endpoint a function (`Endpoint`)."""
    found = [Rule("/me", methods=["GET", "OPTIONS"], endpoint=me)]
    for spec in routes:
        found.append(Rule(spec.path, methods=[spec.method, "OPTIONS"], endpoint=_declared(spec)))
    return found


def _declared(spec: RouteSpec) -> Endpoint:
    def declared(request: Request, mock: MockState, **_path_values: Any) -> JsonReply | Response:
        _claims, user = authenticate_request(request.environ, mock.tokens, mock.users)
        check_permission(user, spec.permission)
        if spec.status == 204 or spec.body is None:
            return Response(status=spec.status)
        return JsonReply(spec.body, spec.status)

    declared.__name__ = f"declared {spec.endpoint}"
    return declared
