"""The journal reads a request's headers from the WSGI environ: the same names and values as werkzeug's
`request.headers`, every secret masked."""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.test import EnvironBuilder

from mockserver.core.redaction import redact_header
from mockserver.http.journal_entry import entry_from

HEADERS = {
    "Authorization": "Bearer abcdefghijklmnopqrstuvwxyz0123456789",
    "X-Api-Key": "k-123456789",
    "X-Request-Id": "r-1",
    "Accept": "application/json",
    "X_Underscored": "u",
    "Content-Type": "application/x-www-form-urlencoded",
}


def test_the_headers_are_werkzeugs_with_secrets_masked() -> None:
    builder = EnvironBuilder(path="/authorization", method="POST", headers=HEADERS, data=b"a=1")
    environ = builder.get_environ()
    environ["HTTP_CONTENT_TYPE"] = "text/plain"  # a WSGI server moves these: never a header twice
    with Flask(__name__).request_context(environ) as context:
        request = context.request
        expected = {name: redact_header(name, value) for name, value in request.headers.items()}
        entry = entry_from(request, Response(status=200), 1.0)
    assert entry.headers == expected
    assert entry.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert entry.headers["Content-Length"] == "3"
    assert entry.headers["X-Api-Key"] == "***"
    assert entry.headers["Authorization"].startswith("Bearer abcd…")


def test_an_empty_content_length_is_no_header_but_an_empty_custom_header_is() -> None:
    environ = EnvironBuilder(path="/me", headers={"X-Empty": ""}).get_environ()
    environ["CONTENT_LENGTH"] = ""
    with Flask(__name__).request_context(environ) as context:
        entry = entry_from(context.request, Response(status=200), 1.0)
        assert entry.headers == dict(context.request.headers.items())
    assert "Content-Length" not in entry.headers
    assert entry.headers["X-Empty"] == ""
