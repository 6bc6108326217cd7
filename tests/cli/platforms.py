"""A platform that breaks the contract and repeats secrets back: what the reports must never show.

It issues tokens without `Cache-Control: no-store`, echoes the password in its answers, repeats
the Authorization header it refused and sends no challenge with its 401s. Served by MockServer
(any Flask app on a free loopback port, in a thread), it is a live target for `authcontract check`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from flask import Flask, Response, jsonify, request

__all__ = ["LeakyPlatform", "leaky_app"]


@dataclass
class LeakyPlatform:
    username: str = "qa-user"
    # characters that HTML, XML, JSON, repr and URL encoding change: the secret must be masked in every form
    password: str = field(default_factory=lambda: "S3cr<et>&'pa ss\"-" + secrets.token_hex(6))
    issued: list[str] = field(default_factory=list)

    @property
    def password_tail(self) -> str:
        """The random end of the password: found anywhere, part of the password got through."""
        return self.password.rsplit("-", 1)[1]

    def env(self, base_url: str) -> dict[str, str]:
        return {
            "CONTRACT_BASE_URL": base_url,
            "CONTRACT_USERNAME": self.username,
            "CONTRACT_PASSWORD": self.password,
            "CONTRACT_PROTECTED_PATH": "/me",
        }


def leaky_app(platform: LeakyPlatform) -> Flask:
    app = Flask(__name__)

    @app.post("/authorization")
    def authorization() -> tuple[Response, int]:
        username, password = request.form.get("username"), request.form.get("password", "")
        if (username, password) != (platform.username, platform.password):
            return jsonify(error="invalid_grant", error_description=f"wrong password {password}"), 400
        token = secrets.token_urlsafe(32)
        platform.issued.append(token)
        body = {"token_type": "Bearer", "access_token": token, "expires_in": 3600, "password": password}
        return jsonify(body), 200

    @app.get("/me")
    def me() -> tuple[Response, int]:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token in platform.issued:
            return jsonify(user=platform.username, token=token), 200
        return jsonify(error="invalid_token", received=header), 401

    return app
