"""Small platforms for the contract suite to face: correct by default, each field bends one clause.

A Platform is data; `platform_app` turns it into a Flask app and `serve` puts that on a free
loopback port in a thread. The platforms read time from a clock the test passes in, the same
fake clock the suite waits on, so expiry is tested without sleeping.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import secrets
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme
from flask import Flask, Response, request
from werkzeug.serving import WSGIRequestHandler, make_server

__all__ = ["FakeClock", "Platform", "jwt_token", "platform_app", "proof_ca", "resolve_to_loopback", "serve"]

B64TOKEN = r"[A-Za-z0-9\-._~+/]+=*"
FORM = "application/x-www-form-urlencoded"


class FakeClock:
    """Time that passes only when the suite sleeps on it."""

    def __init__(self) -> None:
        self._now = 1_000.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._now += max(0.0, seconds)


def jwt_token() -> str:
    """A JWT-shaped token: three base64url segments (unsigned, the shape is what matters)."""

    def segment(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    claims = {"sub": "qa-user", "jti": secrets.token_hex(16)}
    return f"{segment({'alg': 'HS256', 'typ': 'JWT'})}.{segment(claims)}.{secrets.token_urlsafe(32)}"


@dataclass
class Platform:
    """A platform that keeps the contract unless told otherwise."""

    username: str = "qa-user"
    password: str = "Pa55-w0rd&secret=1 !"
    token_path: str = "/authorization"
    protected_path: str = "/me"
    accepts: tuple[str, ...] = ("form", "json", "query")
    required_params: dict[str, str] = field(default_factory=dict)
    # the token response
    ttl: float = 60.0
    announced: Any = None  # expires_in as sent; None: int(ttl)
    token_type: Any = "Bearer"
    new_token: Callable[[], str] = lambda: secrets.token_urlsafe(32)
    content_type: str = "application/json"
    extra_fields: dict[str, Any] = field(default_factory=dict)
    cache_control: str | None = "no-store"
    pragma: str | None = "no-cache"
    reuse_token: bool = False
    token_of_second: Callable[[], float] | None = None  # a clock: tokens made from the user and its second
    login_latency: float = 0.0  # seconds of the shared clock each login takes, the token issued half-way
    whole_seconds: bool = False  # expiry counted from the whole second of issue: floor(now) + ttl
    on_get: str = "405"  # a GET on the token path: "405", "token" (issues one), "page" (200 HTML, no token)
    # refused logins
    bad_login_status: int = 400
    bad_login_body: dict[str, Any] | None = field(default_factory=lambda: {"error": "invalid_grant"})
    bad_login_challenge: bool = True
    token_with_refusal: bool = False
    echo_password: tuple[str, ...] = ()  # "wrong password", "unknown user", "success", "get"
    echo_spelling: Callable[[str], str] = str
    crash_on_odd_username: bool = False
    incomplete_login_status: int = 400  # a login missing its username or password
    incomplete_login_body: Any = field(
        default_factory=lambda: {"error": "invalid_request"}
    )  # str: text/plain
    # the protected path
    protected_status: int = 200
    scheme: str | None = None  # the one spelling accepted; None: any case of "Bearer"
    token_syntax: str = B64TOKEN
    challenge: str | None = 'Bearer realm="proof"'  # sent with every refusal, whatever its status
    challenge_only_on_401: bool = False  # a platform that forgets it on its 400s and 403s
    no_credentials_error: str | None = None  # an error code in the challenge to a request without credentials
    expired_challenge: str | None = 'Bearer realm="proof"'  # the challenge of the 401 to an expired token
    invalid_token_error: bool = True
    error_param: Callable[[str], str] = lambda error: f'"{error}"'  # the error attribute's value as sent
    decodes_jwt: bool = False  # a JWT-shaped unknown token must decode, else malformed_status
    missing_header_status: int = 401
    unknown_token_status: int = 401
    expired_status: int = 401
    empty_bearer_status: int = 401
    malformed_status: int = 400
    other_scheme_status: int = 401
    other_scheme_accepted: bool = False  # the token opens the path whatever the scheme before it
    accepted_schemes: tuple[str, ...] = ()  # schemes besides Bearer read as Bearer: ("Basic",)
    glued_bearer: bool = False  # `Bearer<token>`, no space, read as `Bearer <token>`
    header_limit: int | None = None  # an Authorization header longer than this gets oversized_status
    oversized_status: int = 431
    query_tokens: bool = False  # a valid ?access_token= opens the protected path (RFC 6750 §2.3)
    query_cache_control: str | None = None  # the Cache-Control of that answer
    echo_authorization: bool = False  # a leaky platform: refusals repeat the header they refused
    # what it did, for the tests to read back
    issued: list[str] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)  # "ok", "wrong password", "unknown user", "invalid"
    login_fields: list[tuple[str, ...]] = field(default_factory=list)  # the field names of each login
    expires_at: dict[str, float] = field(default_factory=dict)

    def expires_in(self) -> Any:
        return int(self.ttl) if self.announced is None else self.announced

    def mint_expired(self, clock: FakeClock) -> str:
        """A token this platform issued and that has expired: a CONTRACT_EXPIRED_TOKEN."""
        token = self.new_token()
        self.issued.append(token)
        self.expires_at[token] = clock.now() - 1
        return token


def platform_app(platform: Platform, clock: FakeClock) -> Flask:
    app = Flask(__name__)
    expiry = platform.expires_at

    def issue() -> str:
        alive = [token for token in platform.issued if expiry.get(token, 0) > clock.now()]
        if platform.reuse_token and alive:
            return alive[-1]
        token = platform.new_token() if platform.token_of_second is None else second_token()
        platform.issued.append(token)
        issued_at = math.floor(clock.now()) if platform.whole_seconds else clock.now()
        expiry[token] = issued_at + platform.ttl
        return token

    def second_token() -> str:
        """The user and the current whole second, hashed: unique only across seconds."""
        assert platform.token_of_second is not None
        second = math.floor(platform.token_of_second())
        return hashlib.sha256(f"{platform.username}@{second}".encode()).hexdigest()

    def echoed(answer: str, password: str) -> dict[str, str]:
        if answer not in platform.echo_password:
            return {}
        return {"error_description": f"password {platform.echo_spelling(password)} seen"}

    def refuse_get(password: str) -> Response:
        if platform.on_get == "page":
            return Response("<html><body>Sign in</body></html>", content_type="text/html")
        response = _answer({"error": "method_not_allowed", **echoed("get", password)}, 405)
        response.headers["Allow"] = "POST"
        return response

    def bad_login(password: str, answer: str) -> Response:
        body = dict(platform.bad_login_body or {})
        body.update(echoed(answer, password))
        if platform.token_with_refusal:
            body["access_token"] = issue()
        response = _answer(body if platform.bad_login_body is not None else "no", platform.bad_login_status)
        if platform.bad_login_status == 401 and platform.bad_login_challenge:
            response.headers["WWW-Authenticate"] = 'Basic realm="login"'
        return response

    @app.route(platform.token_path, methods=["POST", "GET"])
    def token_endpoint() -> Response:
        fields = _credentials(platform.accepts)
        platform.login_fields.append(tuple(sorted(fields)))
        username, password = fields.get("username", ""), fields.get("password", "")
        if request.method == "GET" and platform.on_get != "token":
            return refuse_get(password)
        if platform.crash_on_odd_username and not re.fullmatch(r"[A-Za-z0-9-]*", username):
            return _answer({"error": "server_error"}, 500)
        params_ok = all(fields.get(k) == v for k, v in platform.required_params.items())
        if not (username and password):
            platform.logins.append("invalid")
            response = _answer(platform.incomplete_login_body, platform.incomplete_login_status)
            if platform.incomplete_login_status == 401:
                response.headers["WWW-Authenticate"] = 'Basic realm="login"'
            return response
        if not params_ok:
            platform.logins.append("invalid")
            return _answer({"error": "invalid_request"}, 400)
        if (username, password) != (platform.username, platform.password):
            answer = "wrong password" if username == platform.username else "unknown user"
            platform.logins.append(answer)
            return bad_login(password, answer)
        platform.logins.append("ok")
        clock.sleep(platform.login_latency / 2)
        token = issue()
        clock.sleep(platform.login_latency / 2)
        body = {
            "token_type": platform.token_type,
            "access_token": token,
            "expires_in": platform.expires_in(),
            **echoed("success", password),
        }
        response = Response(json.dumps({**body, **platform.extra_fields}), content_type=platform.content_type)
        for name, value in (("Cache-Control", platform.cache_control), ("Pragma", platform.pragma)):
            if value is not None:
                response.headers[name] = value
        return response

    @app.get(platform.protected_path)
    def protected() -> Response:
        header = request.headers.get("Authorization")
        from_query = request.args.get("access_token")
        if (
            header is None
            and platform.query_tokens
            and from_query in expiry
            and clock.now() < expiry[from_query]
        ):
            response = _answer({"user": "qa-user"}, 200)
            if platform.query_cache_control is not None:
                response.headers["Cache-Control"] = platform.query_cache_control
            return response
        if header is None:
            return refuse(platform.missing_header_status, platform.no_credentials_error)
        if platform.header_limit is not None and len(header) > platform.header_limit:
            return _answer({"error": "request_header_fields_too_large"}, platform.oversized_status)
        scheme, _, token = header.partition(" ")
        if platform.glued_bearer and not token and scheme.startswith("Bearer"):
            scheme, token = "Bearer", scheme.removeprefix("Bearer")
        read_as_bearer = (
            platform.other_scheme_accepted
            or scheme in platform.accepted_schemes
            or _scheme_ok(platform.scheme, scheme)
        )
        if token in expiry and read_as_bearer:
            if clock.now() >= expiry[token]:
                return refuse(platform.expired_status, "invalid_token", platform.expired_challenge)
            return (
                Response(status=204)
                if platform.protected_status == 204
                else _answer({"user": "qa-user"}, 200)
            )
        if not _scheme_ok(platform.scheme, scheme):
            return refuse(platform.other_scheme_status, platform.no_credentials_error)
        if not token:
            return refuse(platform.empty_bearer_status, "invalid_request")
        if not re.fullmatch(platform.token_syntax, token):
            return refuse(platform.malformed_status, "invalid_request")
        if platform.decodes_jwt and token.count(".") == 2 and not _jwt_decodes(token):
            return refuse(platform.malformed_status, "invalid_request")
        return refuse(platform.unknown_token_status, "invalid_token")

    def refuse(status: int, error: str | None, challenge: str | None = platform.challenge) -> Response:
        body = {"error": error or "unauthorized"}
        if platform.echo_authorization:
            body["received"] = request.headers.get("Authorization", "")
        response = _answer(body, status)
        refused = not 200 <= status < 300 and (status == 401 or not platform.challenge_only_on_401)
        if refused and challenge is not None:
            if error and platform.invalid_token_error:
                challenge += f", error={platform.error_param(error)}"
            response.headers["WWW-Authenticate"] = challenge
        return response

    return app


def _scheme_ok(accepted: str | None, scheme: str) -> bool:
    return scheme == accepted if accepted is not None else scheme.lower() == "bearer"


def _jwt_decodes(token: str) -> bool:
    """Whether the header and payload of a JWT-shaped token are base64url JSON objects."""
    try:
        parts = [
            json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
            for part in token.split(".")[:2]
        ]
    except ValueError:
        return False
    return all(isinstance(part, dict) for part in parts)


def _credentials(accepts: tuple[str, ...]) -> dict[str, str]:
    fields: dict[str, str] = {}
    if "query" in accepts:
        fields.update(request.args.items())
    if "form" in accepts and request.mimetype == FORM:
        fields.update(request.form.items())
    if "json" in accepts and request.is_json:
        data = request.get_json(silent=True)
        if isinstance(data, dict):
            fields.update({k: v for k, v in data.items() if isinstance(v, str)})
    return fields


def _answer(body: Any, status: int) -> Response:
    if isinstance(body, str):
        return Response(body, status=status, content_type="text/plain")
    return Response(json.dumps(body), status=status, content_type="application/json")


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


def proof_ca(directory: Path, *names: str) -> tuple[Path, ssl.SSLContext]:
    """A CA made for one test (trustme): its bundle, written in `directory`, and a server context whose
    certificate it signed for `names`."""
    authority = trustme.CA(organization_name="authcontract proof CA")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert(*names).configure_cert(context)
    bundle = directory / "proof-ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return bundle, context


def resolve_to_loopback(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """`name` (a reserved .test name, which no DNS answers) resolves to 127.0.0.1 in this process, and
    no proxy is asked for it: a non-loopback base URL whose traffic never leaves the machine."""
    assert name.endswith(".test")
    resolve = socket.getaddrinfo

    def mapped(host: Any, *args: Any, **kwargs: Any) -> Any:
        return resolve("127.0.0.1" if host == name else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", mapped)
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("NO_PROXY", name)


@contextmanager
def serve(app: Flask, *, tls: ssl.SSLContext | None = None, name: str = "127.0.0.1") -> Iterator[str]:
    """The app on 127.0.0.1 and a free port, in a thread, until the block ends; yields its base URL,
    https under `tls`, naming the host `name` (see resolve_to_loopback)."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler, ssl_context=tls)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="contract-target", daemon=True
    )
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://{name}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
