"""Small standard-library platforms, written from the platform doc and the RFCs, that differ from the
bundled mock in ways the contract allows (or, with `expires_in_text`, in one it does not).

A `Legit` is data; `serve_legit` puts it on a free loopback port (http.server in a thread) and stops
it on exit. It counts the requests it received, so a test can say none was sent.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

__all__ = ["Legit", "serve_legit"]

B64TOKEN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=")


@dataclass
class Legit:
    """A platform that keeps the contract; each field is a choice the contract leaves to it."""

    username: str = "qa-user"
    password: str = "Legit-pa55 word!"
    realm: str = "authcontract-mock"
    bad_login_status: int = 400  # 401 carries a Bearer challenge, as RFC 7235 asks of any 401
    ttl: int = 3600
    expires_in_text: bool = False  # "3600" rather than 3600: a breach of type, for compare to show
    scope: bool = True
    descriptions: bool = True
    error_cache_headers: bool = True
    allow: str = "POST, OPTIONS"
    bare_error: str = "unauthorized"  # the body's code for a request without credentials
    tokens: set[str] = field(default_factory=set)
    requests: int = 0


class _Handler(BaseHTTPRequestHandler):
    platform: Legit
    timeout = 5  # a silent client is dropped

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.platform.requests += 1
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace")) if length else {}
        if self.path.split("?")[0] != "/authorization":
            return self._error(404, "not_found", "no such path")
        username, password = form.get("username", [None])[0], form.get("password", [None])[0]
        if username is None or password is None:
            return self._error(400, "invalid_request", "username and password are required")
        platform = self.platform
        if (username, password) != (platform.username, platform.password):
            challenge = f'Bearer realm="{platform.realm}", error="invalid_grant"'
            refused = challenge if platform.bad_login_status == 401 else None
            return self._error(platform.bad_login_status, "invalid_grant", "bad credentials", refused)
        token = secrets.token_urlsafe(32)
        platform.tokens.add(token)
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": token,
            "expires_in": str(platform.ttl) if platform.expires_in_text else platform.ttl,
        }
        if platform.scope:
            body["scope"] = "accounts:read"
        self._send(200, body, {"Cache-Control": "no-store", "Pragma": "no-cache"})

    def do_GET(self) -> None:
        self.platform.requests += 1
        platform = self.platform
        if self.path == "/authorization":
            return self._error(405, "method_not_allowed", "POST only", headers={"Allow": platform.allow})
        if self.path != "/me":
            return self._error(404, "not_found", "no such path")
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        bare = f'Bearer realm="{platform.realm}"'
        if scheme.lower() != "bearer":
            return self._error(401, platform.bare_error, "a Bearer token is needed", bare)
        if not token or not set(token) <= B64TOKEN:
            return self._error(
                400, "invalid_request", "the token is malformed", self._challenge("invalid_request")
            )
        if token not in platform.tokens:
            return self._error(401, "invalid_token", "unknown token", self._challenge("invalid_token"))
        self._send(200, {"username": platform.username}, {})

    def _challenge(self, error: str) -> str:
        description = ', error_description="see the body"' if self.platform.descriptions else ""
        return f'Bearer realm="{self.platform.realm}", error="{error}"{description}'

    def _error(
        self,
        status: int,
        error: str,
        description: str,
        challenge: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        body = {"error": error, **({"error_description": description} if self.platform.descriptions else {})}
        sent = dict(headers or {})
        if self.platform.error_cache_headers:
            sent.update({"Cache-Control": "no-store", "Pragma": "no-cache"})
        if challenge is not None:
            sent["WWW-Authenticate"] = challenge
        self._send(status, body, sent)

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def serve_legit(platform: Legit) -> Iterator[str]:
    """The platform on 127.0.0.1, a free port, until the block ends; yields its base URL."""
    handler = type("Handler", (_Handler,), {"platform": platform})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
