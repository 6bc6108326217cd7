"""The journal reads a request's headers from the WSGI environ: the same names and values as werkzeug's
`request.headers`, every secret masked."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder

from mockserver.core.redaction import redact_header
from mockserver.http.alike import MAX_ALIKE_CHARS, look
from mockserver.http.journal_entry import content_for
from mockserver.store import EntryContent

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
        headers = content_for(request, 200, None, look(environ)).fields["headers"]
    assert headers == expected
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert headers["Content-Length"] == "3"
    assert headers["X-Api-Key"] == "***"
    assert headers["Authorization"].startswith("Bearer abcd…")


def test_an_empty_content_length_is_no_header_but_an_empty_custom_header_is() -> None:
    environ = EnvironBuilder(path="/me", headers={"X-Empty": ""}).get_environ()
    environ["CONTENT_LENGTH"] = ""
    with Flask(__name__).request_context(environ) as context:
        headers = content_for(context.request, 200, None, look(environ)).fields["headers"]
        assert headers == dict(context.request.headers.items())
    assert "Content-Length" not in headers
    assert headers["X-Empty"] == ""


def content_of(
    path: str = "/me", status: int = 200, error: str | None = None, **options: object
) -> EntryContent:
    environ = EnvironBuilder(path=path, **options).get_environ()  # type: ignore[arg-type]
    with Flask(__name__).request_context(environ) as context:
        return content_for(context.request, status, error, look(environ))


def test_requests_that_look_alike_share_one_content_and_any_difference_gets_its_own() -> None:
    bearer = {"Authorization": "Bearer abcdefghijklmnopqrstuvwxyz0123456789"}
    first = content_of(headers=bearer)
    assert content_of(headers=bearer) is first
    others = [
        content_of(headers={"Authorization": "Bearer abcdefghijklmnopqrstuvwxyz0123456780"}),
        content_of(headers={**bearer, "X-Request-Id": "r-2"}),
        content_of(path="/accounts", headers=bearer),
        content_of(headers=bearer, query_string="a=1"),
        content_of(headers=bearer, method="HEAD"),
        content_of(headers=bearer, status=401, error="invalid_token"),
        content_of(headers=bearer, status=401, error="insufficient_scope"),
    ]
    contents = [first, *others]
    assert all(one is not another for index, one in enumerate(contents) for another in contents[index + 1 :])
    read = [
        (c.fields["method"], c.fields["path"], c.fields["query"], c.fields["status"], c.fields["error"])
        for c in others
    ]
    assert read[2:] == [
        ("GET", "/accounts", "", 200, None),
        ("GET", "/me", "a=1", 200, None),
        ("HEAD", "/me", "", 200, None),
        ("GET", "/me", "", 401, "invalid_token"),
        ("GET", "/me", "", 401, "insufficient_scope"),
    ]
    assert others[1].fields["headers"]["X-Request-Id"] == "r-2"


def test_a_request_with_a_body_is_read_every_time() -> None:
    form = {"method": "POST", "data": b"a=1", "content_type": "application/x-www-form-urlencoded"}
    assert content_of(**form) is not content_of(**form)
    assert content_of(**form).fields["form"] == {"a": "1"}


def test_the_memory_of_look_alikes_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.http import journal_entry

    alike: dict = {}
    monkeypatch.setattr(journal_entry, "_ALIKE", alike)
    for index in range(journal_entry._ALIKE_KEPT + 10):
        content_of(headers={"X-Request-Id": f"r-{index}"})
    assert 0 < len(alike) <= journal_entry._ALIKE_KEPT
    alike.clear()
    long_value = "v" * MAX_ALIKE_CHARS
    assert content_of(headers={"X-Long": long_value}) is not content_of(headers={"X-Long": long_value})
    assert alike == {}
