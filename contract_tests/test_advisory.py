"""SHOULD-level requirements and security practice (marker `advisory`).

A failure here is a warning in the summary by default, and fails the run with --advisory=fail.
Exact refusal statuses live here: the RFCs say which status a server SHOULD send, and the platform's
documentation names none. A definition or the grammar of an RFC is normative and belongs in
test_rfc.py (the scheme's case); what stays here without a keyword is prose that describes rather
than defines (the 400 of RFC 6749 §5.2, "unless specified otherwise"), or the choice among error
codes whose definitions overlap for a login that is no RFC 6749 grant.
"""

from __future__ import annotations

import pytest
import requests

from .challenges import cache_directives, challenge_params
from .checks import (
    Clause,
    carries_token,
    expect,
    expect_invalid_token_error,
    expect_pragma_no_cache,
    is_refusal,
    json_body,
    status_text,
)
from .echo import repeats
from .login import Login
from .probes import Probes

pytestmark = pytest.mark.advisory


def test_unknown_token_gets_invalid_token(clause: Clause, probes: Probes) -> None:
    """A refused unknown token is answered with `error="invalid_token"` in the challenge.

    Clause: RFC 6750 §3 and §3.1: "If the protected resource request included an access token and failed
    authentication, the resource server SHOULD include the "error" attribute", invalid_token.
    """
    expect_invalid_token_error(clause, probes.unknown_token)


def test_token_response_has_pragma_no_cache(clause: Clause, login_reply: requests.Response) -> None:
    """The token response carries `Pragma: no-cache`.

    Clause: RFC 6749 §5.1: the server "MUST include ... as well as the "Pragma" response header field
    with a value of "no-cache""; but RFC 9111 §5.4 "deprecates Pragma", which has no defined meaning in
    a response, and OAuth 2.1 (draft-ietf-oauth-v2-1) drops it from the token response, keeping only
    `Cache-Control: no-store`: a MUST the later specifications withdrew. What is left is security practice for
    HTTP/1.0 caches, so advisory; `no-store`, which they keep, is checked at rfc level.
    """
    expect_pragma_no_cache(clause, login_reply)


def test_token_endpoint_refuses_get(clause: Clause, probes: Probes) -> None:
    """The token endpoint does not issue tokens to GET.

    Clause: security practice: RFC 6749 §3.2: "The client MUST use the HTTP "POST" method when making
    access token requests" binds the client, not the server; a server that issues tokens to GET puts
    credentials in URLs, which logs and caches keep.

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

    Clause: security practice: platform docs: "Your access token is private and must be kept
    confidential", and so are the credentials that get it: a password repeated in an answer ends up in
    logs, proxies and browser histories.
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
            expected="answers that do not contain a password sent in any spelling, compared once decoded:"
            " raw, percent-, JSON- or HTML-escaped in any case, or in base64 (as `user:password`)"
            " (a short or common password: as a whole value, not as a word of the answer's prose)",
            actual=f"the answer to {name} ({status_text(response)}) repeats a password sent",
            responses=[response],
        )


# The refusal statuses RFC 6750 §3.1 recommends, by probe: a set, since a malformed request may be
# read as invalid_request (400) or as a malformed token, invalid_token (401). RFC 6750 names no status
# for a scheme the server does not support: 401 as for no credentials (RFC 7235 §3.1), or 400, the
# request read as "otherwise malformed" (invalid_request).
_EXPECTED_STATUSES = {
    "no Authorization header": (401,),
    "unknown token": (401,),
    "expired token": (401,),
    "Bearer without a token": (400, 401),
    "another scheme": (400, 401),
    "token in the query string only": (401,),
}


def test_refusals_have_the_recommended_status(clause: Clause, probes: Probes) -> None:
    """Refusals of the protected path use the statuses RFC 6750 recommends: 401 for a missing, unknown or
    expired token, 400 or 401 for a malformed one; a 403 is not among them.

    Clause: RFC 6750 §3.1: invalid_token: "The resource server SHOULD respond with the HTTP 401
    (Unauthorized) status code"; invalid_request: "The resource server SHOULD respond with the HTTP
    400 (Bad Request) status code"; a request lacking authentication gets 401 (RFC 6750 §3, RFC 7235 §3.1).
    """
    wrong = {}
    for name, response in probes.protected_refusals().items():
        allowed = _EXPECTED_STATUSES.get(name, (400, 401))  # the malformed tokens
        if is_refusal(response) and response.status_code not in allowed:
            wrong[name] = (response, " or ".join(map(str, allowed)))
    expect(
        clause,
        not wrong,
        expected="; ".join(f"{name}: {statuses}" for name, (_, statuses) in wrong.items()),
        actual="; ".join(f"{name}: {status_text(response)}" for name, (response, _) in wrong.items()),
        responses=[response for response, _ in wrong.values()][:1],
    )


def test_no_credentials_challenge_has_no_error_code(clause: Clause, probes: Probes) -> None:
    """The challenge to a request with no Bearer credentials (no header, another scheme) carries no error
    code and no other error information.

    Clause: RFC 6750 §3.1: "If the request lacks any authentication information (e.g., the client was
    unaware that authentication is necessary or attempted using an unsupported authentication method),
    the resource server SHOULD NOT include an error code or other error information."
    """
    for name, response in {
        "no Authorization header": probes.no_header,
        "another scheme": probes.other_scheme,
    }.items():
        header = response.headers.get("WWW-Authenticate", "")
        found = sorted(set(challenge_params(header)) & {"error", "error_description", "error_uri"})
        expect(
            clause,
            not found,
            expected=f"{name}: a challenge without error, error_description or error_uri",
            actual=f"{status_text(response)}, WWW-Authenticate: {header!r} (has {', '.join(found)})",
            responses=[response],
        )


def _error_code(response: requests.Response) -> str:
    body = json_body(response)
    error = body.get("error") if isinstance(body, dict) else None
    return repr(error) if error is not None else "no error member"


def test_bad_credentials_get_invalid_grant(clause: Clause, probes: Probes) -> None:
    """A wrong password and an unknown user are refused with `error: invalid_grant`.

    Clause: RFC 6749 §5.2: invalid_grant: "The provided authorization grant (e.g., authorization code,
    resource owner credentials) ... is invalid"; the code chosen carries no keyword of its own (a
    well-formed code is REQUIRED, checked at rfc level), so the meaning is advisory: SHOULD. The
    definitions are normative, but the platform's login (a username and a password, no grant_type) is
    no RFC 6749 grant, and for it they overlap: the username and password may be read as the client's
    credentials (invalid_client) as well as the resource owner's (invalid_grant).
    """
    for name, response in probes.bad_credentials().items():
        body = json_body(response)
        expect(
            clause,
            not 400 <= response.status_code < 500
            or (isinstance(body, dict) and body.get("error") == "invalid_grant"),
            expected=f'{name}: error "invalid_grant"',
            actual=f"{status_text(response)}, error {_error_code(response)}",
            responses=[response],
        )


def test_incomplete_login_gets_invalid_request(clause: Clause, probes: Probes) -> None:
    """A login missing its password, or its username, gets 400 with `error: invalid_request`.

    Clause: RFC 6749 §5.2: "The authorization server responds with an HTTP 400 (Bad Request) status
    code (unless specified otherwise)"; invalid_request: "The request is missing a required parameter":
    no keyword, so SHOULD strength. The 400 is prose with an escape, not a definition; and a login
    missing its password is as much "resource owner credentials ... invalid" (invalid_grant) for a login
    that is no RFC 6749 grant. Another 4xx is reported here; a 5xx fails the contract check.
    """
    for name, response in probes.incomplete_logins().items():
        body = json_body(response)
        expect(
            clause,
            not 400 <= response.status_code < 500
            or (
                response.status_code == 400
                and isinstance(body, dict)
                and body.get("error") == "invalid_request"
            ),
            expected=f'{name}: 400 with error "invalid_request"',
            actual=f"{status_text(response)}, error {_error_code(response)}",
            responses=[response],
        )


def test_query_string_token_is_refused(clause: Clause, probes: Probes) -> None:
    """A valid token sent only in the query string (`?access_token=`) is not accepted.

    Clause: RFC 6750 §5.3: "Bearer tokens SHOULD NOT be passed in page URLs (for example, as query string
    parameters)"; §2.3: the URI query parameter method "SHOULD NOT be used unless it is impossible to
    transport the access token in the "Authorization" request header field". URLs end up in logs.
    """
    response = probes.query_token
    expect(
        clause,
        not 200 <= response.status_code < 300,
        expected="GET <protected path>?access_token=<valid token>, no Authorization header: not a 2xx",
        actual=f"{status_text(response)}: the token was accepted from the URL",
        responses=[response],
    )


def test_query_string_acceptance_is_private(clause: Clause, probes: Probes) -> None:
    """If a token in the query string is accepted, the answer carries `Cache-Control: private`.

    Clause: RFC 6750 §2.3: "Server success (2XX status) responses to these requests SHOULD contain a
    Cache-Control header with the "private" option." A platform that refuses such tokens keeps it.
    """
    response = probes.query_token
    header = response.headers.get("Cache-Control", "")
    expect(
        clause,
        not 200 <= response.status_code < 300 or "private" in cache_directives(header),
        expected="a 2xx to ?access_token=<valid token>: Cache-Control with the private directive",
        actual=f"{status_text(response)}, "
        + (f"Cache-Control: {header!r}" if header else "no Cache-Control"),
        responses=[response],
    )
