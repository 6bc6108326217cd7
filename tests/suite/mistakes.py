"""Platforms for the user's own settings mistakes, and one that refuses every token on an existing path.

Each wraps a correct proof platform (targets.py) with one answer that real platforms give: an
OAuth 2 server that needs `grant_type` answers `unsupported_grant_type` without it; a platform
that does not take Bearer tokens on a path it serves answers 401 to a fresh one (a contract
failure, not a settings mistake).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, Response, request

from .targets import FakeClock, Platform, platform_app, serve

__all__ = ["MISTAKES", "Mistake", "needs_grant_type", "refuses_every_token", "without_expires_in"]


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


def without_expires_in(platform: Platform, clock: FakeClock) -> Flask:
    """Token responses without `expires_in` (RFC 6749 §5.1 only RECOMMENDS it): no moment of expiry."""
    app = platform_app(platform, clock)

    @app.after_request
    def strip(response: Response) -> Response:
        body = response.get_json(silent=True)
        if request.path == platform.token_path and isinstance(body, dict) and "expires_in" in body:
            del body["expires_in"]
            response.set_data(json.dumps(body))
        return response

    return app


@dataclass(frozen=True)
class Mistake:
    """A settings mistake against a proof platform: the settings, and what the one line must say."""

    name: str
    env: dict[str, str]  # overrides of the platform's correct settings; "{url}" is its base URL
    answer: str  # the platform's answer, as the line shows it
    setting: str  # the end of the line: the setting to check, flag and variable
    app: Callable[[Platform, FakeClock], Flask] = platform_app
    platform: Platform = field(default_factory=Platform)

    @contextmanager
    def served(self) -> Iterator[dict[str, str]]:
        """The platform served; yields the CONTRACT_* settings of a run with this mistake."""
        with serve(self.app(self.platform, FakeClock())) as url:
            correct = {
                "CONTRACT_BASE_URL": url,
                "CONTRACT_USERNAME": self.platform.username,
                "CONTRACT_PASSWORD": self.platform.password,
                "CONTRACT_PROTECTED_PATH": self.platform.protected_path,
            }
            chosen = {name: value.replace("{url}", url) for name, value in self.env.items()}
            yield {
                **correct,
                **{name: value.replace("{closed}", _closed_port()) for name, value in chosen.items()},
            }


def _closed_port() -> str:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


CREDENTIALS = "check CONTRACT_USERNAME and CONTRACT_PASSWORD (environment or profile; no flag)"
MISTAKES = [
    Mistake(
        "wrong-password",
        {"CONTRACT_PASSWORD": "wrong-pass-7f3a"},
        "answered 400 BAD REQUEST, error=invalid_grant;",
        CREDENTIALS,
    ),
    Mistake(
        "missing-token-params",
        {},
        "answered 400 BAD REQUEST, error=unsupported_grant_type;",
        "check CONTRACT_TOKEN_PARAMS (environment or profile; e.g. grant_type=password)",
        needs_grant_type,
    ),
    Mistake(
        "wrong-base-url",
        {"CONTRACT_BASE_URL": "{url}/api/v1"},
        "/api/v1/authorization answered 404 NOT FOUND;",
        "check --base-url (CONTRACT_BASE_URL) and --token-path (CONTRACT_TOKEN_PATH)",
    ),
    Mistake(
        "wrong-protected-path",
        {"CONTRACT_PROTECTED_PATH": "/v1/accounts"},
        "/v1/accounts answered 404 NOT FOUND to a fresh token;",
        "check --protected-path (CONTRACT_PROTECTED_PATH)",
    ),
    Mistake(
        "unreachable",
        {"CONTRACT_BASE_URL": "{closed}"},
        "the target is unreachable: transport error on POST",
        "check --base-url (CONTRACT_BASE_URL)",
    ),
]
