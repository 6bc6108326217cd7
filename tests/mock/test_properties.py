"""Property tests: the Authorization header parser and the credential reader, on any input."""

from __future__ import annotations

import json
import string
from urllib.parse import urlencode

import pytest
from flask import Flask, request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import OAuthError
from mockserver.http.bearer import B64TOKEN, parse_bearer
from mockserver.http.credentials import Credentials, read_credentials

B64_ALPHABET = string.ascii_letters + string.digits + "-._~+/"
b64tokens = st.builds(
    lambda body, padding: body + "=" * padding,
    st.text(B64_ALPHABET, min_size=1, max_size=200),
    st.integers(0, 3),
)
printable = st.text(st.characters(min_codepoint=0x20, blacklist_categories=("Cs",)), min_size=1, max_size=80)
printable = printable.filter(lambda text: "\x7f" not in text)


@given(token=b64tokens, scheme=st.sampled_from(["Bearer", "bearer", "BEARER", "bEaReR"]))
def test_every_well_formed_bearer_header_yields_its_token(token: str, scheme: str) -> None:
    assert parse_bearer(f"{scheme} {token}") == token


@given(header=st.text(max_size=300))
def test_any_header_yields_a_b64token_or_an_oauth_error(header: str) -> None:
    try:
        token = parse_bearer(header)
    except OAuthError as error:
        outcome = (error.status, error.error)
        assert outcome in {(401, None), (400, "invalid_request")}
    else:
        assert B64TOKEN.fullmatch(token)
        assert token in header


@pytest.fixture(scope="module")
def request_app() -> Flask:
    return Flask(__name__)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=printable, password=printable, where=st.sampled_from(["form", "json", "query"]))
def test_credentials_read_the_same_from_every_source(
    request_app: Flask, username: str, password: str, where: str
) -> None:
    fields = {"username": username, "password": password}
    options: dict = {"method": "POST"}
    if where == "form":
        options |= {"data": urlencode(fields), "content_type": "application/x-www-form-urlencoded"}
    elif where == "json":
        options |= {"data": json.dumps(fields), "content_type": "application/json"}
    else:
        options["query_string"] = urlencode(fields)
    with request_app.test_request_context("/authorization", **options):
        credentials = read_credentials(request)
    assert (credentials.username, credentials.password) == (username, password)


def credentials_or_refusal(app: Flask, body: bytes | str, content_type: str) -> Credentials | None:
    """The credentials read from a login with this body, or None if it was refused as it must be."""
    with app.test_request_context("/authorization", method="POST", data=body, content_type=content_type):
        try:
            return read_credentials(request)
        except OAuthError as error:
            outcome = (error.status, error.error)
            assert outcome == (400, "invalid_request")
            return None


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.binary(max_size=300),
    content_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "application/json", "text/plain", "multipart/form-data", ""]
    ),
)
def test_any_body_yields_credentials_or_an_invalid_request(
    request_app: Flask, body: bytes, content_type: str
) -> None:
    credentials = credentials_or_refusal(request_app, body, content_type)
    if credentials is not None:
        assert credentials.username
        assert credentials.password


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=st.text(max_size=40), password=st.text(max_size=40))
def test_any_json_text_yields_writable_credentials_or_an_invalid_request(
    request_app: Flask, username: str, password: str
) -> None:
    """Any code point, lone surrogates and controls included: what passes can be hashed and logged."""
    body = json.dumps({"username": username, "password": password})  # escapes surrogates as \udXXX
    credentials = credentials_or_refusal(request_app, body, "application/json")
    if credentials is not None:
        assert (credentials.username, credentials.password) == (username, password)
        credentials.username.encode("utf-8")
        credentials.password.encode("utf-8")
