"""SHOULD-level requirements and security practice (marker `advisory`).

A failure here is a warning in the summary by default, and fails the run with --advisory=fail.
"""

from __future__ import annotations

import pytest
import requests

from .checks import (
    Clause,
    carries_token,
    expect,
    expect_invalid_token_error,
    expect_pragma_no_cache,
    json_body,
    status_text,
)
from .login import Login
from .probes import Probes
from .redaction import spellings

pytestmark = pytest.mark.advisory


def test_unknown_token_gets_invalid_token(clause: Clause, probes: Probes) -> None:
    """A refused unknown token is answered with `error="invalid_token"` in the challenge.

    Clause: RFC 6750 §3 and §3.1: "If the protected resource request included an access token and failed
    authentication, the resource server SHOULD include the "error" attribute", invalid_token.
    """
    expect_invalid_token_error(clause, probes.unknown_token)


def test_token_response_has_pragma_no_cache(clause: Clause, login_reply: requests.Response) -> None:
    """The token response carries `Pragma: no-cache`.

    Clause: RFC 6749 §5.1: the server includes "the "Pragma" response header field with a value of
    "no-cache"" (obsolete since RFC 9111, still expected by HTTP/1.0 caches).
    """
    expect_pragma_no_cache(clause, login_reply)


def test_other_scheme_is_refused(clause: Clause, probes: Probes) -> None:
    """A valid token under another scheme (`Authorization: Token <token>`) is refused.

    Clause: platform docs: "You must include your token in the call's HTTP authorization header as a
    bearer credential"; RFC 6750 §2.1.
    """
    response = probes.other_scheme
    expect(
        clause,
        not 200 <= response.status_code < 300,
        expected="Authorization: Token <valid token>: refused (401)",
        actual=status_text(response),
        responses=[response],
    )


def test_token_endpoint_refuses_get(clause: Clause, probes: Probes) -> None:
    """The token endpoint does not issue tokens to GET.

    Clause: RFC 6749 §3.2: "The client MUST use the HTTP "POST" method when making access token
    requests"; platform docs: "You request an access token by making a POST request".

    Only a token in the answer is issued: a sign-in page, a 405 or a 404 to GET all keep the clause.
    """
    response = probes.token_by_get
    expect(
        clause,
        not carries_token(json_body(response)),
        expected="GET with the credentials: no access_token in the answer (405 Method Not Allowed, say)",
        actual=f"{status_text(response)}, with an access_token",
        responses=[response],
    )


def _answer_text(response: requests.Response) -> str:
    return response.text + "\n" + "\n".join(f"{name}: {value}" for name, value in response.headers.items())


def test_password_is_not_echoed(
    clause: Clause, probes: Probes, login: Login, login_reply: requests.Response
) -> None:
    """No answer of the token endpoint repeats the password it was sent, in any spelling.

    Clause: platform docs: "Your access token is private and must be kept confidential"; RFC 6749 §10.3
    and §5.1: credentials are confidential and not to be cached or exposed.
    """
    answers = {
        "the valid login": login_reply,
        "the GET with the credentials": probes.token_by_get,
        **probes.token_refusals(),
    }
    passwords = [login.password.reveal(), probes.wrong_password_sent.reveal()]
    forms = set().union(*(spellings(password) for password in passwords))
    for name, response in answers.items():
        text = _answer_text(response)
        expect(
            clause,
            not any(form in text for form in forms),
            expected="answers that do not contain a password sent: raw, URL-encoded, JSON- or HTML-escaped",
            actual=f"the answer to {name} ({status_text(response)}) repeats a password sent",
            responses=[response],
        )
