"""SHOULD-level requirements and security practice (marker `advisory`).

A failure here is a warning in the summary by default, and fails the run with --advisory=fail.
"""

from __future__ import annotations

import pytest
import requests

from .challenges import cache_directives, challenge_params
from .checks import Clause, carries_token, expect, json_body, status_text
from .login import Login
from .probes import Probes
from .redaction import repeats

pytestmark = pytest.mark.advisory


def test_unknown_token_gets_invalid_token(clause: Clause, probes: Probes) -> None:
    """A refused unknown token is answered with `error="invalid_token"` in the challenge.

    Clause: RFC 6750 §3 and §3.1: "If the protected resource request included an access token and failed
    authentication, the resource server SHOULD include the "error" attribute", invalid_token.
    """
    response = probes.unknown_token
    header = response.headers.get("WWW-Authenticate", "")
    expect(
        clause,
        challenge_params(header).get("error") == "invalid_token",
        expected='WWW-Authenticate: Bearer …, error="invalid_token"',
        actual=f"{status_text(response)}, WWW-Authenticate: {header!r}",
        responses=[response],
    )


def test_token_response_has_pragma_no_cache(clause: Clause, login_reply: requests.Response) -> None:
    """The token response carries `Pragma: no-cache`.

    Clause: RFC 6749 §5.1: the server includes "the "Pragma" response header field with a value of
    "no-cache"" (obsolete since RFC 9111, still expected by HTTP/1.0 caches).
    """
    header = login_reply.headers.get("Pragma", "")
    expect(
        clause,
        "no-cache" in cache_directives(header),
        expected="Pragma: no-cache",
        actual=f"Pragma: {header!r}" if header else "no Pragma header",
        responses=[login_reply],
    )


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
    for name, response in answers.items():
        echoed = [
            repeats(response.text, response.headers, sent, sent=dict(login.params)) for sent in passwords
        ]
        expect(
            clause,
            not any(echoed),
            expected="answers that do not contain a password sent: raw, URL-encoded, JSON- or HTML-escaped"
            " (a short or common password: as a whole value, not as a word of the answer's prose)",
            actual=f"the answer to {name} ({status_text(response)}) repeats a password sent",
            responses=[response],
        )
