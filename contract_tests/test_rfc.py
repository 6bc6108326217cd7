"""MUST-level requirements of RFC 6749, 6750 and 7235 (marker `rfc`)."""

from __future__ import annotations

import re

import pytest
import requests

from .challenges import capacity_bits, challenge_schemes
from .checks import (
    Clause,
    expect,
    expect_400_or_401,
    expect_accepted,
    expect_bearer_challenge,
    expect_no_store,
    json_body,
    media_type,
    status_text,
)
from .client import ContractClient, authorization
from .plugin import Target
from .probes import Probes
from .redaction import Secret

pytestmark = pytest.mark.rfc
TOKEN_BITS = 128
# RFC 6749 §5.2: error = 1*( %x20-21 / %x23-5B / %x5D-7E )
ERROR_CODE = re.compile(r"[\x20-\x21\x23-\x5B\x5D-\x7E]+")


def _listing(responses: dict[str, requests.Response]) -> str:
    return "; ".join(f"{name}: {status_text(response)}" for name, response in responses.items())


def test_token_response_is_not_stored(clause: Clause, login_reply: requests.Response) -> None:
    """The token response carries `Cache-Control: no-store`.

    Clause: RFC 6749 §5.1: "The authorization server MUST include the HTTP "Cache-Control" response
    header field with a value of "no-store" in any response containing tokens".
    """
    expect_no_store(clause, login_reply)


def _is_error_code(value: object) -> bool:
    return isinstance(value, str) and ERROR_CODE.fullmatch(value) is not None


def test_bad_credentials_error_is_json(clause: Clause, probes: Probes) -> None:
    """The bad-credentials error body is JSON with an `error` member holding an ASCII error code.

    Clause: RFC 6749 §5.2: the error parameters are "included in the entity-body of the HTTP response
    using the "application/json" media type", and `error` is REQUIRED: "A single ASCII error code",
    whose characters "MUST NOT include characters outside the set %x20-21 / %x23-5B / %x5D-7E".
    """
    for name, response in probes.token_refusals().items():
        body = json_body(response)
        error = body.get("error") if isinstance(body, dict) else None
        expect(
            clause,
            media_type(response) == "application/json" and _is_error_code(error),
            expected=f"{name}: an application/json object whose error is a non-empty string of "
            "%x20-21 / %x23-5B / %x5D-7E",
            actual=f"Content-Type {response.headers.get('Content-Type')!r}, body {response.text[:80]!r}",
            responses=[response],
        )


def test_protected_401_has_bearer_challenge(clause: Clause, probes: Probes) -> None:
    """Every 401 from the protected path carries `WWW-Authenticate` with the Bearer scheme.

    Clause: RFC 6750 §3: "If the protected resource request does not include authentication credentials
    or does not contain an access token that enables access to the protected resource, the resource
    server MUST include the HTTP "WWW-Authenticate" response header field"; its scheme is Bearer.
    """
    for name, response in probes.protected_refusals().items():
        expect_bearer_challenge(clause, response, name)


def test_every_401_has_a_challenge(clause: Clause, probes: Probes) -> None:
    """Any 401, from the token endpoint as from the protected path, carries a challenge.

    Clause: RFC 7235 §3.1: "The server generating a 401 response MUST send a WWW-Authenticate header
    field containing at least one challenge applicable to the target resource."
    """
    for name, response in {**probes.token_refusals(), **probes.protected_refusals()}.items():
        header = response.headers.get("WWW-Authenticate", "")
        expect(
            clause,
            response.status_code != 401 or bool(challenge_schemes(header)),
            expected=f"{name}: a 401 with a WWW-Authenticate challenge",
            actual=f"401 with WWW-Authenticate: {header!r}" if header else "401 without WWW-Authenticate",
            responses=[response],
        )


def test_scheme_is_case_insensitive(
    clause: Clause, contract_client: ContractClient, contract_target: Target, token: Secret
) -> None:
    """`Authorization: bearer <token>` (lower case) is accepted.

    Clause: RFC 7235 §2.1: "It uses a case-insensitive token as a means to identify the authentication
    scheme"; RFC 6750 §2.1 defines the scheme as "Bearer".
    """
    response = contract_client.get(contract_target.protected_path, auth=authorization(token, scheme="bearer"))
    expect_accepted(clause, response, "Authorization: bearer <fresh token>")


def test_bearer_without_token_is_refused(clause: Clause, probes: Probes) -> None:
    """`Authorization: Bearer` with no token: 400 or 401, never 5xx.

    Clause: RFC 6750 §3.1: a request missing a required parameter or otherwise malformed is
    invalid_request (400), a request lacking credentials gets 401.
    """
    expect_400_or_401(clause, probes.bearer_without_token, "Authorization: Bearer (no token)")


def test_malformed_token_is_refused(clause: Clause, probes: Probes) -> None:
    """A token outside the b64token syntax: 400 or 401, never 5xx.

    Clause: RFC 6750 §3.1: a malformed request is invalid_request (400), a malformed token
    invalid_token (401).
    """
    for name, response in probes.malformed.items():
        listing = f"all: {_listing(probes.malformed)}"
        expect_400_or_401(clause, response, f"a malformed token ({name})", listing)


def test_token_carries_128_bits(clause: Clause, token: Secret) -> None:
    """Tokens are long enough to carry 128 bits.

    Clause: RFC 6749 §10.10: "The probability of an attacker guessing generated tokens … MUST be less
    than or equal to 2^(-128)".
    """
    bits = capacity_bits(token.reveal())
    expect(
        clause,
        bits >= TOKEN_BITS,
        expected=f"an access_token able to carry at least {TOKEN_BITS} bits",
        actual=f"{len(token)} characters, at most {bits:.0f} bits in the smallest alphabet holding them",
    )
