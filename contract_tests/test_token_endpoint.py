"""The token endpoint, as the platform's documentation describes it (marker `contract`)."""

from __future__ import annotations

import math

import pytest
import requests

from . import expiry as expiry_module
from .checks import (
    Clause,
    carries_token,
    expect,
    expect_schema,
    expect_token_response,
    json_body,
    status_text,
)
from .client import ContractClient
from .login import Login, token_of
from .probes import Probes
from .redaction import Secret

pytestmark = pytest.mark.contract
MAX_LOGINS = 10  # a platform slower than a second a login still gets this many: a bound for live accounts
TOKEN_FIELDS = ("token_type", "access_token", "expires_in")
JSON = "application/json"


def test_login_answers_json_token(clause: Clause, login_reply: requests.Response) -> None:
    """Valid credentials get a 2xx JSON body holding token_type, access_token and expires_in.

    Clause: platform docs, "How to get an access token": "The response you receive from this request is
    a JSON body which includes your access token", with the fields token_type, access_token, expires_in.
    """
    expect_token_response(clause, login_reply)


def test_token_type_is_bearer(clause: Clause, login_reply: requests.Response) -> None:
    """token_type is Bearer, compared case-insensitively.

    Clause: platform docs: "token_type: This is the type of token returned", a token you "must include
    ... as a bearer credential"; RFC 6749 §5.1: token_type REQUIRED, "The value is case insensitive".
    """
    expect_schema(clause, json_body(login_reply), "token_type", login_reply)


def test_access_token_is_b64token(clause: Clause, login_reply: requests.Response) -> None:
    """access_token is a non-empty string of RFC 6750 b64token characters.

    Clause: platform docs: "access_token: This is the token's value. You must include this value in your
    API calls" as a bearer credential, and RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token: the
    token must fit the header (JWT-shaped tokens do).
    """
    expect_schema(clause, json_body(login_reply), "access_token", login_reply)


def test_expires_in_is_positive_integer(clause: Clause, login_reply: requests.Response) -> None:
    """expires_in is a positive integer: not a string, not a fraction, not a boolean.

    Clause: platform docs: "expires_in: This is how long the token is available for before it expires.
    This value is expressed in seconds."; RFC 6749 §5.1: "The lifetime in seconds of the access token."
    """
    expect_schema(clause, json_body(login_reply), "expires_in", login_reply)


def test_logins_give_distinct_tokens(clause: Clause, login: Login, contract_client: ContractClient) -> None:
    """Logins sent back to back, at least two of them within one second, all get different tokens.

    Clause: platform docs: an access token "is a unique string of numbers and letters".

    How the logins are spaced: not at all. They are sent back to back, and more are sent until their
    count exceeds the number of whole seconds the burst can touch (a burst lasting s seconds touches at
    most ceil(s) + 1), so at least two fall in the same second whatever the platform's clock: a token
    made from the user and the current second fails every run. Fast platforms take 3 logins.
    """
    now = expiry_module.CLOCK.now
    replies: list[requests.Response] = []
    tokens: list[Secret] = []
    start = now()
    while True:
        reply = login.send(contract_client)
        replies.append(reply)
        tokens.append(token_of(reply))
        span = now() - start
        if len(tokens) > math.ceil(span) + 1 or len(tokens) >= MAX_LOGINS:
            break
    first_of: dict[Secret, int] = {}
    same = None
    for index, value in enumerate(tokens):
        if value in first_of:
            same = (first_of[value], index)
            break
        first_of[value] = index
    shared = (
        "at least two in the same second"
        if len(tokens) > math.ceil(span) + 1
        else "too slow to be sure of one shared second"
    )
    expect(
        clause,
        same is None,
        expected=f"{len(tokens)} logins sent back to back within {span:.2f} s ({shared}): {len(tokens)} "
        "different access tokens",
        actual=f"logins {same[0] + 1} and {same[1] + 1} returned the same access_token" if same else "",
        responses=[replies[same[1]]] if same else [],
    )


def _refused_without_token(clause: Clause, response: requests.Response, what: str) -> None:
    leaked = carries_token(json_body(response))
    expect(
        clause,
        400 <= response.status_code < 500 and not leaked,
        expected=f"{what}: a 4xx status and no access_token in the body",
        actual=f"{status_text(response)}" + (", with an access_token" if leaked else ""),
        responses=[response],
    )


def test_wrong_password_is_refused(clause: Clause, probes: Probes) -> None:
    """A wrong password gets a 4xx and no access_token.

    Clause: platform docs: "you must provide the username and password that you use to log in to the
    platform"; RFC 6749 §5.2: invalid credentials are an error response (invalid_grant).
    """
    _refused_without_token(clause, probes.wrong_password, "the valid username with a wrong password")


def test_unknown_user_is_refused(clause: Clause, probes: Probes) -> None:
    """An unknown user gets a 4xx and no access_token.

    Clause: platform docs: "you must provide the username and password that you use to log in to the
    platform"; RFC 6749 §5.2: invalid credentials are an error response (invalid_grant).
    """
    _refused_without_token(clause, probes.unknown_user, "a username the platform does not know")


def test_incomplete_login_is_refused(clause: Clause, probes: Probes) -> None:
    """A login missing its password, or its username, gets a 4xx and no access_token: never a 5xx.

    Clause: platform docs: "In the POST request you must provide the username and password that you use
    to log in to the platform": a login without one is refused; a 5xx is the platform failing on it.
    """
    for name, response in probes.incomplete_logins().items():
        _refused_without_token(clause, response, name)
