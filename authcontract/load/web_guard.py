"""Locust's web UI, answering only its own page: what `authcontract load --web` puts on the loopback.

Locust's Flask app answers every origin (flask-cors) and checks no CSRF token, so any web page the user
visits could start a run, point it at another host (where the users would log in with the password) or
set any option, including the hidden one that names the summary file. The guard keeps that app to the
page it serves:

- a request whose Host is not the UI's own address (DNS rebinding), or that comes from another site
  (`Origin`, `Sec-Fetch-Site`), gets 403 before Locust sees it;
- `POST /swarm` may set only the run's size and length (SWARM_FIELDS), and a `host` only if it is the
  configured target; the user-class editor (`POST /user`, which sets any attribute) is refused;
- no answer carries an `Access-Control-*` header, so another site cannot read one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, request

__all__ = ["SWARM_FIELDS", "allowed_hosts", "guard", "same_target"]

SWARM_FIELDS = frozenset({"user_count", "spawn_rate", "run_time", "host", "profile"})
REFUSED_ENDPOINTS = frozenset({"locust.update_user"})  # sets any attribute of the user class
CORS_PREFIX = "access-control-"
SAME_SITE = frozenset({"same-origin", "none"})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARDS = ("", "*", "0.0.0.0", "::")  # noqa: S104 - names of "every interface", compared, not bound
log = logging.getLogger("authcontract.load")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def same_target(url: str | None, target: str) -> bool:
    """Whether `url` names the same origin and base path as `target` (scheme and host in any case)."""
    if not url:
        return False
    one, other = urlsplit(url.strip()), urlsplit(target)
    return (one.scheme.lower(), one.netloc.lower(), one.path.rstrip("/")) == (
        other.scheme.lower(),
        other.netloc.lower(),
        other.path.rstrip("/"),
    )


def allowed_hosts(bound: str, port: int) -> frozenset[str]:
    """The Host values the UI answers: its loopback names, and the address it is bound to if it is one."""
    names = [*LOOPBACK_NAMES, *(() if bound in WILDCARDS else (bound,))]
    return frozenset(f"{name}:{port}".lower() for name in names)


def guard(app: Flask, *, bound: str, port: int, tls: bool, target: str | None) -> None:
    """Refuse (403, JSON) what another site or a foreign Host asks of `app`, and every swarm form that
    sets more than SWARM_FIELDS or another target than `target` (None: no target to keep); strip
    CORS headers from every answer."""
    hosts = allowed_hosts(bound, port)
    origins = frozenset(f"{'https' if tls else 'http'}://{host}" for host in hosts)

    def refuse_foreign() -> Response | None:
        reason = _foreign(hosts, origins) or _forbidden_form(target)
        if reason is None:
            return None
        log.warning("authcontract load: web UI request refused: %s", reason)
        answer = jsonify(success=False, message=f"refused by authcontract: {reason}")
        answer.status_code = 403
        return answer

    app.before_request(refuse_foreign)
    app.wsgi_app = _without_cors(app.wsgi_app)  # type: ignore[method-assign,assignment]


def _foreign(hosts: frozenset[str], origins: frozenset[str]) -> str | None:
    if request.headers.get("Host", "").lower() not in hosts:
        return "the Host header is not this UI's address"
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() not in origins:
        return "the request comes from another site (Origin)"
    if request.headers.get("Sec-Fetch-Site", "none").lower() not in SAME_SITE:
        return "the request comes from another site (Sec-Fetch-Site)"
    return None


def _forbidden_form(target: str | None) -> str | None:
    if request.endpoint in REFUSED_ENDPOINTS:
        return "the user classes cannot be changed from the UI"
    if request.endpoint != "locust.swarm":
        return None
    extra = sorted(set(request.form) - SWARM_FIELDS)
    if extra:
        return f"only {', '.join(sorted(SWARM_FIELDS))} can be set from the UI ({len(extra)} other fields)"
    if target is not None and "host" in request.form and not same_target(request.form["host"], target):
        return f"the target is fixed at {target}"
    return None


def _without_cors(wsgi_app: WsgiApp) -> WsgiApp:
    """`wsgi_app`, with every Access-Control-* header dropped from its answers (flask-cors adds them
    after every view and error handler, so the only sure place is outside Flask)."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kept = [(name, value) for name, value in headers if not name.lower().startswith(CORS_PREFIX)]
            return start_response(status, kept, exc_info)

        return wsgi_app(environ, start)

    return application
