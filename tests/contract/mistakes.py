"""Platforms for the user's own settings mistakes, and one that refuses every token on an existing path.

Each wraps a correct proof platform (targets.py) with one answer that real platforms give: an
OAuth 2 server that needs `grant_type` answers `unsupported_grant_type` without it; a platform
that does not take Bearer tokens on a path it serves answers 401 to a fresh one (a contract
failure, not a settings mistake).
"""

from __future__ import annotations

from flask import Flask, Response, request

from .targets import FakeClock, Platform, platform_app

__all__ = ["needs_grant_type", "refuses_every_token"]


def needs_grant_type(platform: Platform, clock: FakeClock) -> Flask:
    """A login without `grant_type=password` is answered 400 `unsupported_grant_type`."""
    app = platform_app(platform, clock)

    @app.before_request
    def grant_type() -> Response | None:
        if request.path == platform.token_path and request.form.get("grant_type") != "password":
            return Response('{"error": "unsupported_grant_type"}', 400, content_type="application/json")
        return None

    return app


def refuses_every_token(platform: Platform, clock: FakeClock) -> Flask:
    """The protected path exists and answers 401 with a challenge to every token, a fresh one too."""
    app = platform_app(platform, clock)

    @app.before_request
    def refuse() -> Response | None:
        if request.path == platform.protected_path:
            response = Response('{"error": "invalid_token"}', 401, content_type="application/json")
            response.headers["WWW-Authenticate"] = 'Bearer realm="proof", error="invalid_token"'
            return response
        return None

    return app
