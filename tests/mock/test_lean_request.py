"""LeanRequest reads every body into the same form and files as werkzeug's own parser."""

from __future__ import annotations

import io

import pytest
from flask import Flask, Request
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.test import EnvironBuilder

from mockserver.http.lean_request import LeanRequest

LIMIT = 256
URLENCODED = "application/x-www-form-urlencoded"
# Bodies that reach the parser's corners: escapes (good, bad and cut), '+', bare and repeated names,
# ';' (no separator since Python 3.10), raw bytes that are not UTF-8.
PIECES = st.sampled_from(
    [
        b"a",
        b"=",
        b"&",
        b"+",
        b"%",
        b"%2",
        b"%41",
        b"%C3%A9",
        b"%FF",
        b"\xff",
        b"\xc3\xa9",
        b";",
        b" ",
        b"name",
    ]
)
BODIES = st.lists(PIECES, max_size=24).map(b"".join)


def read(cls: type[Request], body: bytes, content_type: str | None, *, chunked: bool = False) -> object:
    """What the app sees of a body: form and files as lists of pairs, or the HTTP error it raised."""
    headers = {"Transfer-Encoding": "chunked"} if chunked else {}
    environ = EnvironBuilder(
        method="POST", data=body, content_type=content_type, headers=headers
    ).get_environ()
    if chunked:
        del environ["CONTENT_LENGTH"]
        environ["wsgi.input"] = io.BytesIO(body)
        environ["wsgi.input_terminated"] = True
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    with app.app_context():
        request = cls(environ)
        try:
            return list(request.form.items(multi=True)), list(request.files.items(multi=True))
        except HTTPException as error:
            return error.code


@given(body=BODIES)
def test_a_urlencoded_body_gives_werkzeugs_form(body: bytes) -> None:
    assert read(LeanRequest, body, URLENCODED) == read(Request, body, URLENCODED)


@given(body=BODIES)
def test_a_chunked_urlencoded_body_gives_werkzeugs_form(body: bytes) -> None:
    assert read(LeanRequest, body, URLENCODED, chunked=True) == read(Request, body, URLENCODED, chunked=True)


@pytest.mark.parametrize(
    "content_type",
    [
        f"{URLENCODED}; charset=utf-8",
        "multipart/form-data; boundary=x",
        "application/json",
        "text/plain",
        None,
    ],
)
def test_other_types_and_parameters_give_werkzeugs_form(content_type: str | None) -> None:
    body = b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'
    assert read(LeanRequest, body, content_type) == read(Request, body, content_type)
    assert read(LeanRequest, b"a=1&b=%C3%A9", content_type) == read(Request, b"a=1&b=%C3%A9", content_type)


def test_a_body_past_the_limit_is_refused_as_werkzeug_refuses_it() -> None:
    body = b"a=" + b"x" * LIMIT
    assert read(LeanRequest, body, URLENCODED) == read(Request, body, URLENCODED) == 413


def test_the_urlencoded_form_is_read_without_werkzeugs_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the class: a failure here means the fast path is no longer taken."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("werkzeug's form parser was built")

    monkeypatch.setattr(LeanRequest, "make_form_data_parser", refuse)
    assert read(LeanRequest, b"username=demo&password=pw", URLENCODED) == (
        [("username", "demo"), ("password", "pw")],
        [],
    )
