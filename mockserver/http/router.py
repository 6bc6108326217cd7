"""The data plane's routes: one werkzeug Map, bound to a request as Flask binds its own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, MapAdapter, Rule
from werkzeug.wrappers import Request

from .lean_flask import LeanFlask
from .routes.api import Endpoint

__all__ = ["Match", "Router"]

Match = tuple[Endpoint, Mapping[str, Any]]


class Router:
    """Which requests are the data plane's, and the endpoint of each. A path no rule holds is not
    the plane's (Flask serves it, or answers 404)."""

    def __init__(self, app: LeanFlask, rules: list[Rule]) -> None:
        self._app = app
        self._map = Map(rules)  # werkzeug's defaults, as Flask's map: strict and merged slashes
        self._paths = self._map.bind("data-plane.invalid")  # by path and method alone
        self._exact = _exact_paths(rules)

    def match(self, request: Request) -> Match | None:
        """The endpoint and the path's values; None for a path that is not the plane's. Raises what
        Flask's routing raises for the plane's paths: a host it refuses (400), a method the path
        does not take (405 with Allow), a redirect to the path with its slash (308)."""
        exact = self._exact.get(request.path)
        if exact is not None and request.method in exact and self._app.has_bound(request.environ):
            return exact[request.method], {}  # what the map matches, for a host bound before
        try:
            adapter = self._app.bind(self._map, request)
        except HTTPException:
            if not self._holds(request):
                return None
            raise
        try:
            endpoint, values = adapter.match()
        except NotFound:
            return None
        if request.method == "OPTIONS":  # as Flask answers it for a view that does not take OPTIONS
            return _options(adapter), {}
        return endpoint, values

    def _holds(self, request: Request) -> bool:
        """Whether a rule holds the request's path, whatever its host."""
        try:
            self._paths.match(request.path, request.method)
        except NotFound:
            return False
        except HTTPException:  # another method, a redirect: the path is the plane's
            return True
        return True


def _exact_paths(rules: list[Rule]) -> dict[str, dict[str, Endpoint]]:
    """The rules without variables: path -> method -> endpoint, as werkzeug's map matches them (a
    path without variables before one with them; of two for the same method, the first; HEAD
    with GET). OPTIONS is left to the map: its answer lists the path's methods."""
    exact: dict[str, dict[str, Endpoint]] = {}
    for rule in rules:
        if rule.arguments:
            continue
        for method in rule.methods or ():
            if method != "OPTIONS":
                exact.setdefault(rule.rule, {}).setdefault(method, rule.endpoint)
    return exact


def _options(adapter: MapAdapter) -> Endpoint:
    """Flask's `make_default_options_response`: 200, no body, the path's methods in Allow."""

    def options(request: Request, mock: object) -> Response:
        response = Response()
        response.allow.update(adapter.allowed_methods())
        return response

    return options
