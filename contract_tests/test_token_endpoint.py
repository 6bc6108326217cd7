"""The token endpoint, as the platform's documentation describes it (marker `contract`)."""

from __future__ import annotations

import pytest
import requests

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


def test_login_answers_json_token(clause: Clause, login_reply: requests.Response) -> None:
    """Valid credentials get a 2xx JSON body holding token_type, access_token and expires_in.

    Clause: platform docs, "How to get an access token": "The response you receive from this request is
    a JSON body which includes your access token", with the fields token_type, access_token, expires_in.
    """
    expect_token_response(clause, login_reply)


def test_token_type_is_bearer(clause: Clause, login_reply: requests.Response) -> None:
    """token_type is Bearer, compared case-insensitively.

    Clause: RFC 6749 §5.1 and §7.1, RFC 6750 §4: token_type "bearer"; "The value is case insensitive."
    """
    expect_schema(clause, json_body(login_reply), "token_type", login_reply)


def test_access_token_is_b64token(clause: Clause, login_reply: requests.Response) -> None:
    """access_token is a non-empty string of RFC 6750 b64token characters.

    Clause: RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token, so the token must fit the header
    (JWT-shaped tokens do).
    """
    expect_schema(clause, json_body(login_reply), "access_token", login_reply)


def test_expires_in_is_positive_integer(clause: Clause, login_reply: requests.Response) -> None:
    """expires_in is a positive integer: not a string, not a fraction, not a boolean.

    Clause: platform docs: "expires_in: This is how long the token is available for before it expires.
    This value is expressed in seconds."; RFC 6749 §5.1: "The lifetime in seconds of the access token."
    """
    expect_schema(clause, json_body(login_reply), "expires_in", login_reply)


def test_two_logins_give_two_tokens(
    clause: Clause, login: Login, contract_client: ContractClient, token: Secret
) -> None:
    """Two logins give two different tokens.

    Clause: platform docs: an access token "is a unique string of numbers and letters".
    """
    second_reply = login.send(contract_client)
    second = token_of(second_reply)
    expect(
        clause,
        second != token,
        expected="a second login returns a token different from the first",
        actual="both logins returned the same access_token",
        responses=[second_reply],
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
