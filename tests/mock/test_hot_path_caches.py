"""What the data plane remembers between requests (issue 29) never changes an answer: a token's
checked seal, a parsed Bearer header, a lazily read request, a rendered body or refusal."""

from __future__ import annotations

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import Authorization
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from mockserver import ManualClock, OAuthError, Settings, create_app
from mockserver.core import tokens
from mockserver.core.errors import OAuthError as CoreOAuthError
from mockserver.core.redaction import loggable, redact_query
from mockserver.core.shared import SharedDocument, initial_document
from mockserver.core.state import MockState
from mockserver.core.tokens import TokenAuthority, TokenProblem, TokenRejected
from mockserver.http import alike
from mockserver.http.bearer import B64TOKEN, parse_bearer
from mockserver.http.lean_request import PlaneRequest
from mockserver.http.render import MAX_RENDERED, JsonReply, Renderer
from mockserver.http.request_line import REQUEST_LOG_KEY, log_request
from mockserver.serving import wsgi
from mockserver.store.memory import MemoryBackend

from ..conftest import bearer, login
from ..transport import TestClientTransport


def problem(authority: TokenAuthority, token: str) -> TokenProblem | None:
    try:
        authority.authenticate(token)
    except TokenRejected as rejected:
        return rejected.problem
    return None


@pytest.fixture
def authority() -> TokenAuthority:
    shared = SharedDocument(MemoryBackend(initial_document, journal_size=10))
    return TokenAuthority(ManualClock(), ttl=60, shared=shared)


def test_a_checked_token_is_still_refused_after_a_reset_revocation_or_expiry(
    authority: TokenAuthority,
) -> None:
    clock: ManualClock = authority._clock  # type: ignore[assignment]
    shared: SharedDocument = authority._shared
    for _ in range(2):  # checked, then answered from what was remembered
        token = authority.issue("demo").access_token
        assert problem(authority, token) is None
        assert problem(authority, token) is None
    authority.revoke(token)
    assert problem(authority, token) is TokenProblem.REVOKED
    other = authority.issue("demo").access_token
    assert problem(authority, other) is None
    authority.revoke_user("demo")
    assert problem(authority, other) is TokenProblem.REVOKED
    fresh = authority.issue("demo").access_token
    assert problem(authority, fresh) is None
    clock.advance(60)
    assert problem(authority, fresh) is TokenProblem.EXPIRED
    clock.advance(-60)
    assert problem(authority, fresh) is None
    shared.reset()  # a new signing key: every earlier token unknown, remembered or not
    assert problem(authority, fresh) is TokenProblem.UNKNOWN


def test_what_is_remembered_of_checked_tokens_stays_bounded(authority: TokenAuthority) -> None:
    issued = [authority.issue("demo").access_token for _ in range(tokens.MAX_CHECKED_TOKENS + 5)]
    for token in issued + ["x" * 40 + str(index) for index in range(50)]:
        authority.authenticate(token) if not token.startswith("x") else problem(authority, token)
    _key, checked = authority._checked
    assert 0 < len(checked) <= tokens.MAX_CHECKED_TOKENS
    assert all(problem(authority, token) is None for token in issued[:10])  # forgotten: checked again


def test_a_remembered_unknown_token_is_still_unknown(authority: TokenAuthority) -> None:
    token = authority.issue("demo").access_token
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert problem(authority, forged) is TokenProblem.UNKNOWN
    assert problem(authority, forged) is TokenProblem.UNKNOWN
    assert problem(authority, token) is None


def werkzeug_bearer(header: str) -> str | None:
    """parse_bearer's answer as it was before its shortcut: werkzeug parses, b64token checks."""
    parsed = Authorization.from_header(header)
    if parsed is None or parsed.type != "bearer":
        return None
    token = parsed.token or ""
    return token if B64TOKEN.fullmatch(token) else None


HEADERS = st.one_of(
    st.text(alphabet=" \tBbeEaArR=+/._~-xyz09:,\"", max_size=24),
    st.builds(lambda scheme, gap, token: f"{scheme}{gap}{token}",
              st.sampled_from(["Bearer", "bearer", "BEARER", "Basic", "Bearerx", ""]),
              st.sampled_from([" ", "  ", "\t", " \t", ""]),
              st.text(alphabet="AZaz09-._~+/= \t,", max_size=20)),
)  # fmt: skip


@given(header=HEADERS)
def test_the_bearer_shortcut_reads_every_header_as_werkzeug_does(header: str) -> None:
    try:
        token: str | None = parse_bearer(header)
    except CoreOAuthError:
        token = None
    expected = werkzeug_bearer(header) if header.strip() else None
    assert token == expected


PATHS = st.text(alphabet="/ab%é?\x7f", max_size=12)


@given(
    path=PATHS, query=st.text(alphabet="a=&%é", max_size=8), method=st.sampled_from(["get", "POST", "Head"])
)
def test_a_plane_request_reads_as_werkzeug_reads_it(path: str, query: str, method: str) -> None:
    def environ() -> dict[str, object]:
        built = EnvironBuilder(path="/", method="GET", query_string=query, headers={"X-A": "1"}).get_environ()
        built["PATH_INFO"] = path.encode().decode("latin1")
        built["REQUEST_METHOD"] = method
        return built

    lean, full = PlaneRequest(environ()), Request(environ())
    for name in ("method", "path", "query_string", "root_path", "scheme", "server", "remote_addr", "url"):
        assert getattr(lean, name) == getattr(full, name), name
    assert dict(lean.headers) == dict(full.headers)
    assert lean.max_content_length == 16 * 1024


def test_me_follows_a_change_to_its_users_permissions(app: Flask, mock: MockState) -> None:
    api = TestClientTransport(app.test_client())
    api.request("POST", "/_mock/users", json={"username": "ada", "password": "pw-ada", "permissions": ["a"]})
    token = login(api, "ada", "pw-ada")
    assert api.request("GET", "/me", headers=bearer(token)).body["permissions"] == ["a"]
    api.request(
        "POST", "/_mock/users", json={"username": "ada", "password": "pw-ada", "permissions": ["a", "b"]}
    )
    assert api.request("GET", "/me", headers=bearer(token)).body["permissions"] == ["a", "b"]


def test_a_rendered_answer_follows_the_apps_json_layout(app: Flask) -> None:
    renderer = Renderer(app, Settings())
    reply = JsonReply({"a": 1}, key=("a", 1))
    refusal = OAuthError.invalid_token("the access token is not known")
    compact, compact_error = renderer.json(reply).body, renderer.error(refusal).body
    assert compact == b'{"a":1}\n'
    app.json.compact = False  # type: ignore[attr-defined]
    assert renderer.json(reply).body == b'{\n  "a": 1\n}\n'
    assert renderer.error(refusal).body != compact_error
    app.json.compact = None  # type: ignore[attr-defined]
    assert (renderer.json(reply).body, renderer.error(refusal).body) == (compact, compact_error)


def test_a_rendered_answer_is_handed_out_as_a_copy(app: Flask) -> None:
    renderer = Renderer(app, Settings())
    refusal = OAuthError.invalid_token("the access token is not known")
    first = renderer.error(refusal)
    first.headers.append(("X-Mock-Worker", "1"))
    first.error = "changed"
    second = renderer.error(refusal)
    assert ("X-Mock-Worker", "1") not in second.headers
    assert second.error == "invalid_token"
    reply = JsonReply({"a": 1}, key=("a",))
    renderer.json(reply).headers.append(("X-Other", "1"))
    assert ("X-Other", "1") not in renderer.json(reply).headers


def test_rendered_refusals_stay_bounded(app: Flask) -> None:
    renderer = Renderer(app, Settings())
    for index in range(MAX_RENDERED + 10):
        answer = renderer.error(OAuthError.invalid_request(f"field {index} is wrong"))
        assert f"field {index} is wrong".encode() in answer.body
    assert 0 < len(renderer._errors) <= MAX_RENDERED


def test_every_refusal_is_rendered_per_the_settings_of_its_mock() -> None:
    plain = create_app(Settings(log_requests=False), clock=ManualClock()).test_client()
    terse = create_app(
        Settings(log_requests=False, error_descriptions=False, error_cache_headers=False, realm="r"),
        clock=ManualClock(),
    ).test_client()
    for _ in range(2):
        loud, quiet = plain.get("/me", headers=bearer("unknown")), terse.get("/me", headers=bearer("unknown"))
        assert "error_description" in loud.get_json()
        assert "error_description" not in quiet.get_json()
        assert loud.headers["Cache-Control"] == "no-store"
        assert "Cache-Control" not in quiet.headers
        assert quiet.headers["WWW-Authenticate"] == 'Bearer realm="r", error="invalid_token"'


HEADER_KEYS = st.sampled_from(
    ["HTTP_HOST", "HTTP_X_A", "HTTP_CONTENT_TYPE", "CONTENT_TYPE", "CONTENT_LENGTH", "PATH", "HOME", "wsgi.x"]
)


@given(st.lists(st.tuples(HEADER_KEYS, st.sampled_from(["", "v", "a b"])), max_size=8))
def test_the_journal_lists_headers_as_werkzeug_does_whatever_the_layout(pairs: list[tuple[str, str]]) -> None:
    environ = EnvironBuilder(path="/me").get_environ()
    for key in ("HTTP_HOST", "CONTENT_TYPE", "CONTENT_LENGTH"):
        environ.pop(key, None)
    environ.update(pairs)
    for _ in range(2):  # worked out, then remembered
        assert alike.headers_of(environ) == list(Request(environ).headers.items())


def test_remembered_environ_layouts_stay_bounded() -> None:
    for index in range(alike._LAYOUTS_KEPT + 10):
        environ = {"REQUEST_METHOD": "GET", f"HTTP_X_{index}": "1"}
        assert alike.headers_of(environ) == [(f"X-{index}", "1")]
    assert 0 < len(alike._LAYOUTS) <= alike._LAYOUTS_KEPT


def test_a_worker_forgets_the_settings_variables_once_read() -> None:
    environ = {"MOCKSERVER_TOKEN_TTL": "60", "MOCKSERVER_STORE": "memory:", "PATH": "/bin", "TZ": "UTC"}
    wsgi._forget_settings_variables(environ)
    assert environ == {"PATH": "/bin", "TZ": "UTC"}


@given(st.text(max_size=6), st.text(alphabet="a=&\n\u202e", max_size=6))
def test_the_log_lines_path_is_escaped_as_loggable_escapes_it(path: str, query: str) -> None:
    written: list[tuple[object, ...]] = []
    extensions = {REQUEST_LOG_KEY: lambda _name, _msg, fields: written.append(fields)}
    log_request(extensions, {"QUERY_STRING": query}, "GET", "/" + path, 200, None)
    query = redact_query(query) if query else query
    assert written[0][1] == loggable(f"/{path}?{query}" if query else f"/{path}")
