"""A broad matrix of requests to the mock's data plane and their recorded answers, journal entries and
log lines (tests/mock/golden/data_plane.json): how the mock answered before its request pipeline was
rebuilt, held byte for byte by test_data_plane_golden.py.

Record again (only when an answer is meant to change): `.venv/bin/python -m tests.data_plane_cases`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.test import EnvironBuilder, run_wsgi_app

from mockserver import ManualClock, Settings, create_app
from mockserver.app import REQUEST_LOG_KEY
from mockserver.core.state import MockState

GOLDEN = Path(__file__).parent / "golden" / "data_plane.json"
TOKEN = "{token}"  # a valid token of demo's; "{viewer}": of viewer's
FORM = "application/x-www-form-urlencoded"
LOGIN = b"username=demo&password=demo-password"
Setup = Callable[[Flask, MockState, ManualClock], None]


@dataclass(frozen=True)
class Call:
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    data: bytes | None = None
    environ: dict[str, Any] = field(default_factory=dict)  # set after the environ is built (None: deleted)


@dataclass(frozen=True)
class Case:
    calls: tuple[Call, ...]
    setup: Setup | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    data: bool = True  # False: the body and its length are data others own (a fixture), not recorded


def me(
    path: str = "/me",
    method: str = "GET",
    token: str = TOKEN,
    data: bytes | None = None,
    environ: dict[str, Any] | None = None,
    **headers: str,
) -> Call:
    return Call(path, method, {"Authorization": f"Bearer {token}", **headers}, data, environ or {})


def login(
    data: bytes = LOGIN,
    path: str = "/authorization",
    method: str = "POST",
    environ: dict[str, Any] | None = None,
    **headers: str,
) -> Call:
    return Call(path, method, {"Content-Type": FORM, **headers}, data, environ or {})


def json_login(data: bytes) -> Call:
    return login(data, **{"Content-Type": "application/json"})


def fault(spec: dict[str, Any]) -> Setup:
    return lambda app, mock, clock: mock.faults.add(spec) and None


def expire(app: Flask, mock: MockState, clock: ManualClock) -> None:
    clock.advance(3601)


def debug(app: Flask, mock: MockState, clock: ManualClock) -> None:
    app.debug = True


def trusted_hosts(app: Flask, mock: MockState, clock: ManualClock) -> None:
    app.config["TRUSTED_HOSTS"] = ["trusted.test"]


CHUNKED = {"HTTP_TRANSFER_ENCODING": "chunked", "CONTENT_LENGTH": None, "wsgi.input_terminated": True}
MULTIPART = (
    b'--x\r\nContent-Disposition: form-data; name="username"\r\n\r\ndemo\r\n'
    b'--x\r\nContent-Disposition: form-data; name="password"\r\n\r\ndemo-password\r\n--x--\r\n'
)

CASES: dict[str, Case] = {
    # GET /me
    "me": Case((me(),)),
    "me, query redacted": Case((me("/me?access_token=secret&x=%C3%A9"),)),
    "me, lower-case scheme": Case((Call("/me", headers={"Authorization": f"bearer {TOKEN}"}),)),
    "me, many headers": Case((me(**{f"X-Extra-{n}": "v" * 600 for n in range(40)}),)),
    "me, another host": Case((me(Host="LOCALHOST:8080"),)),
    "me, HEAD": Case((me(method="HEAD"),)),
    "me, OPTIONS": Case((Call("/me", "OPTIONS"),)),
    "me, POST": Case((me(method="POST"),)),
    "me, PUT with a body": Case((me(method="PUT", data=b"{}"),)),
    "me, trailing slash": Case((me("/me/"),)),
    "me, a body": Case((me(data=b"{}"),)),
    "me, missing token": Case((Call("/me"),)),
    "me, malformed token": Case((Call("/me", headers={"Authorization": "Bearer a b"}),)),
    "me, bare scheme": Case((Call("/me", headers={"Authorization": "Bearer"}),)),
    "me, unknown token": Case((Call("/me", headers={"Authorization": "Bearer abc"}),)),
    "me, Basic": Case((Call("/me", headers={"Authorization": "Basic ZGVtbzpkZW1v"}),)),
    "me, expired": Case((me(),), expire),
    "me, fault 503": Case((me(), me()), fault({"path": "/me", "status": 503})),
    "me, one-shot fault": Case((me(), me()), fault({"path": "/me", "status": 502, "times": 1})),
    "me, fault text body and headers": Case(
        (me(),), fault({"path": "/me", "status": 500, "body": "down", "headers": {"X-Why": "test"}})
    ),
    "me, fault omits a field": Case((me(),), fault({"path": "/me", "omit_field": "permissions"})),
    "me, fault retry-after": Case((me(),), fault({"path": "/m*", "retry_after": 7})),
    "me, fault malformed JSON": Case((me(),), fault({"path": "/me", "malformed_json": True})),
    "me, fault on another method": Case((me(),), fault({"path": "/me", "method": "POST", "status": 503})),
    "me, fault on a refusal": Case((Call("/me"),), fault({"path": "/me", "omit_field": "error"})),
    "me, debug": Case((me(), Call("/me")), debug),
    "me, a host IDNA refuses": Case((me(Host=f"{'a' * 64}.test"),)),
    "me, an untrusted host": Case((me(Host="evil.test"), me(Host="trusted.test")), trusted_hosts),
    "me, superscript length": Case((me(environ={"CONTENT_LENGTH": "²"}),)),
    "me, declared too large": Case((me(data=b"x" * 20_000),)),
    "me, chunked too large": Case((me(data=b"x" * 20_000, environ=CHUNKED),)),
    "me, chunked small": Case((me(data=b"xy", environ=CHUNKED),)),
    # POST /authorization
    "login": Case((login(),)),
    "login, escaped and extra fields": Case(
        (login(b"password=demo%2Dpassword&username=%64emo&scope=x&grant_type=password"),)
    ),
    "login, blank extra field": Case((login(LOGIN + b"&grant_type="),)),
    "login, wrong password": Case((login(b"username=demo&password=nope"),)),
    "login, unknown user": Case((login(b"username=nobody&password=nope"),)),
    "login, disabled user": Case((login(b"username=retired&password=retired-password"),)),
    "login, missing field": Case((login(b"username=demo"),)),
    "login, repeated field": Case((login(b"username=demo&username=demo&password=demo-password"),)),
    "login, bad UTF-8": Case((login(b"username=demo&password=%FF"),)),
    "login, raw bad UTF-8": Case((login(b"username=demo&password=\xff"),)),
    "login, control character": Case((login(b"username=demo&password=a%00"),)),
    "login, query string": Case((login(b"password=demo-password", "/authorization?username=demo"),)),
    "login, query repeats the body": Case((login(LOGIN, "/authorization?username=demo"),)),
    "login, charset": Case((login(**{"Content-Type": f"{FORM}; charset=utf-8"}),)),
    "login, JSON": Case((json_login(b'{"username": "demo", "password": "demo-password"}'),)),
    "login, JSON wrong password": Case((json_login(b'{"username": "demo", "password": "x"}'),)),
    "login, JSON malformed": Case((json_login(b'{"username": "demo",'),)),
    "login, JSON array password": Case((json_login(b'{"username": "demo", "password": ["demo-password"]}'),)),
    "login, JSON repeated key": Case(
        (json_login(b'{"username": "demo", "username": "x", "password": "p"}'),)
    ),
    "login, multipart": Case((login(MULTIPART, **{"Content-Type": "multipart/form-data; boundary=x"}),)),
    "login, text/plain": Case((login(**{"Content-Type": "text/plain"}),)),
    "login, no body": Case((Call("/authorization", "POST"),)),
    "login, too large": Case((login(LOGIN + b"&pad=" + b"x" * 20_000),)),
    "login, chunked": Case((login(environ=CHUNKED),)),
    "login, chunked too large": Case((login(LOGIN + b"&p=" + b"x" * 20_000, environ=CHUNKED),)),
    "login, short body": Case((login(environ={"CONTENT_LENGTH": str(len(LOGIN) + 10)}),)),
    "login, superscript length": Case((login(environ={"CONTENT_LENGTH": "²"}),)),
    "login, GET": Case((login(method="GET"),)),
    "login, HEAD": Case((Call("/authorization", "HEAD"),)),
    "login, OPTIONS": Case((Call("/authorization", "OPTIONS"),)),
    "login, fault omits a field": Case(
        (login(),), fault({"path": "/authorization", "omit_field": "expires_in"})
    ),
    "login, fault 500": Case((login(),), fault({"path": "/authorization", "method": "POST", "status": 500})),
    "login, fault drop": Case((login(),), fault({"path": "/authorization", "drop": "reset"})),
    "login, lockout": Case(
        (login(b"username=demo&password=x"), login(b"username=demo&password=y"), login(), login()),
        settings={"lockout_after": 2},
    ),
    "login, lockout cleared by a success": Case(
        (login(b"username=demo&password=x"), login(), login(b"username=demo&password=y"), login()),
        settings={"lockout_after": 2},
    ),
    "login, 401 for a bad grant": Case(
        (login(b"username=demo&password=x"),), settings={"invalid_grant_status": 401}
    ),
    # declared routes (fixtures/routes.json)
    "accounts": Case((me("/accounts"),), data=False),
    "accounts, viewer": Case((me("/accounts", token="{viewer}"),), data=False),
    "accounts, POST": Case((me("/accounts", "POST"),), data=False),
    "accounts, POST by viewer": Case((me("/accounts", "POST", token="{viewer}"),)),
    "accounts, PUT": Case((me("/accounts", "PUT"),)),
    "accounts, no token": Case((Call("/accounts"),)),
    "accounts, HEAD": Case((me("/accounts", "HEAD"),), data=False),
    "payments, DELETE": Case((me("/payments/p-1", "DELETE"),)),
    "payments, DELETE by viewer": Case((me("/payments/p-1", "DELETE", token="{viewer}"),)),
    "payments, OPTIONS": Case((Call("/payments/p-1", "OPTIONS"),)),
    "payments, trailing slash": Case((me("/payments/"),)),
    "payments, fault": Case((me("/payments"),), fault({"path": "/pay*", "status": 418})),
    # what Flask serves, through the same interceptors
    "openapi": Case((Call("/openapi.json"),), data=False),
    "openapi, a fault": Case((Call("/openapi.json"),), fault({"path": "*", "status": 503})),
    "not found": Case((Call("/nowhere?token=secret"),)),
    "not found, too large": Case((Call("/nowhere", "POST", {"Content-Type": FORM}, b"x" * 20_000),)),
    "control, untouched by faults": Case((Call("/_mock/clock"),), fault({"path": "*", "status": 503})),
}


def build(case: Case) -> tuple[Flask, MockState, ManualClock, list[tuple[object, ...]]]:
    clock = ManualClock()
    app = create_app(Settings(**{"log_requests": True, **case.settings}), clock=clock)
    lines: list[tuple[object, ...]] = []
    app.extensions[REQUEST_LOG_KEY] = lambda name, line, fields: lines.append(fields[:3])
    return app, app.extensions["mockserver"], clock, lines


def send(app: Flask, call: Call, tokens: dict[str, str]) -> dict[str, Any]:
    """One call, as a WSGI server makes it; what a client sees of the answer."""
    headers = {"User-Agent": "golden/1"}
    for name, value in call.headers.items():
        for placeholder, token in tokens.items():
            value = value.replace(placeholder, token)
        headers[name] = value
    builder = EnvironBuilder(path=call.path, method=call.method, headers=headers, data=call.data)
    environ = builder.get_environ()
    body = environ["wsgi.input"].read()
    environ["wsgi.input"] = io.BytesIO(body)
    for key, value in call.environ.items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    app_iter, status, answer_headers = run_wsgi_app(app, environ)
    try:
        data = b"".join(app_iter)
        aborted = None
    except ConnectionAbortedError as error:
        data, aborted = b"", str(error)
    finally:
        getattr(app_iter, "close", lambda: None)()
    return {"status": status, "headers": answer_headers.to_wsgi_list(), "body": data, "aborted": aborted}


def run(name: str) -> dict[str, Any]:
    """A case's answers, journal entries and log lines, masked where each run differs."""
    case = CASES[name]
    app, mock, clock, lines = build(case)
    tokens = {
        TOKEN: mock.tokens.issue("demo").access_token,
        "{viewer}": mock.tokens.issue("viewer").access_token,
    }
    if case.setup is not None:
        case.setup(app, mock, clock)
    seen = []
    for call in case.calls:
        journal_before = len(mock.journal.entries())
        lines_before = len(lines)
        answer = send(app, call, tokens)
        entries = [entry.to_dict() for entry in mock.journal.entries()[journal_before:]]
        seen.append({**answer, "journal": entries, "log": [list(line) for line in lines[lines_before:]]})
    return _masked(seen, tokens, whole=case.data)


_ISSUED = re.compile(r'("access_token": ?")([^"]*)"')
_MASKED = {"X-Mock-Worker": "<pid>"}


def _masked(seen: list[dict[str, Any]], tokens: dict[str, str], *, whole: bool) -> Any:
    masked = _MASKED if whole else {**_MASKED, "Content-Length": "<length>"}
    for answer in seen:
        answer["headers"] = [
            [n, masked.get(n, _allowed(v) if n == "Allow" else v)] for n, v in answer["headers"]
        ]
        text = answer["body"].decode("utf-8", errors="backslashreplace")
        answer["body"] = _ISSUED.sub(lambda m: m[1] + "<new token>" + '"', text) if whole else "<data>"
        for entry in answer["journal"]:
            entry["worker"] = "<pid>"
            if entry.get("issued"):
                entry["issued"] = {**entry["issued"], "id": "<id>", "prefix": "<prefix>"}
    text = json.dumps(seen, ensure_ascii=False)
    for placeholder, token in tokens.items():
        text = text.replace(token, placeholder)
        text = text.replace(token[:4] + "…", placeholder[:-1] + "-prefix}…")
    return json.loads(text)


def _allowed(methods: str) -> str:
    """werkzeug lists the allowed methods in a set's order, which varies between processes."""
    return ", ".join(sorted(methods.split(", ")))


def record() -> None:
    GOLDEN.parent.mkdir(exist_ok=True)
    recorded = {name: run(name) for name in CASES}
    GOLDEN.write_text(json.dumps(recorded, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    record()
