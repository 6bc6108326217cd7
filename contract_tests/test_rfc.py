"""Normative requirements of RFC 6749, 6750, 7235 and 9110 (marker `rfc`).

A clause with MUST, MUST NOT or REQUIRED belongs here, and so does what an RFC defines without a
keyword, its definitions and its grammar (the scheme is a case-insensitive token): a request that
matches them conforms, and refusing it breaks the RFC. A status the RFCs say a server SHOULD send is
advisory, and what the platform's documentation says is `contract`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import requests

from .challenges import capacity_bits, challenge_schemes
from .checks import (
    Clause,
    challenge_text,
    expect,
    expect_no_store,
    json_body,
    lacks_bearer_challenge,
    media_type,
    status_text,
)
from .client import ContractClient, authorization
from .loopback import is_loopback
from .plugin import Target
from .probes import OVERSIZED_TOKEN_LENGTH, Probes
from .redaction import Secret

pytestmark = pytest.mark.rfc
TOKEN_BITS = 128
# RFC 6749 §5.2: error = 1*( %x20-21 / %x23-5B / %x5D-7E )
ERROR_CODE = re.compile(r"[\x20-\x21\x23-\x5B\x5D-\x7E]+")


def test_token_response_is_not_stored(clause: Clause, login_reply: requests.Response) -> None:
    """The token response carries `Cache-Control: no-store`.

    Clause: RFC 6749 §5.1: "The authorization server MUST include the HTTP "Cache-Control" response
    header field with a value of "no-store" in any response containing tokens".
    """
    expect_no_store(clause, login_reply)


def _is_error_code(value: object) -> bool:
    return isinstance(value, str) and ERROR_CODE.fullmatch(value) is not None


def test_bad_credentials_error_is_json(clause: Clause, probes: Probes) -> None:
    """Every 4xx of the token endpoint is a JSON body with an `error` member holding an ASCII error code.

    Clause: RFC 6749 §5.2: the error parameters are "included in the entity-body of the HTTP response
    using the "application/json" media type", and `error` is REQUIRED: "A single ASCII error code",
    whose characters "MUST NOT include characters outside the set %x20-21 / %x23-5B / %x5D-7E".

    Read on the refusals of a wrong password, an unknown user, and logins missing the password or the
    username. A 2xx or a 5xx is no §5.2 error response: the contract checks of those logins judge it.
    """
    for name, response in probes.token_refusals().items():
        if not 400 <= response.status_code < 500:
            continue
        body = json_body(response)
        error = body.get("error") if isinstance(body, dict) else None
        expect(
            clause,
            media_type(response) == "application/json" and _is_error_code(error),
            expected=f"{name}: an application/json object whose error is a non-empty string of "
            "%x20-21 / %x23-5B / %x5D-7E",
            actual=f"{status_text(response)}, Content-Type {response.headers.get('Content-Type')!r}, "
            f"body {response.text[:80]!r}",
            responses=[response],
        )


def test_every_refusal_has_a_bearer_challenge(clause: Clause, probes: Probes) -> None:
    """Every refusal of the protected path carries `WWW-Authenticate` with the Bearer scheme, whatever
    its status: no header, an unknown, expired or malformed token, `Bearer` alone, another scheme.

    Clause: RFC 6750 §3: "If the protected resource request does not include authentication credentials
    or does not contain an access token that enables access to the protected resource, the resource
    server MUST include the HTTP "WWW-Authenticate" response header field"; its auth-scheme is "Bearer".

    The MUST names no status: a 403 or a 400 refusal needs the challenge as much as a 401. A 2xx is no
    refusal and a 5xx a crash: the contract checks judge those.
    """
    lacking = {
        name: response
        for name, response in probes.protected_refusals().items()
        if lacks_bearer_challenge(response)
    }
    expect(
        clause,
        not lacking,
        expected=f"{', '.join(lacking)}: a refusal with WWW-Authenticate: Bearer …, whatever its status",
        actual="; ".join(f"{name}: {challenge_text(response)}" for name, response in lacking.items()),
        responses=list(lacking.values())[:1],
    )


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
    """`Authorization: bearer <token>` (lower case) opens the protected path as `Bearer` does.

    Clause: RFC 7235 §2.1 definition: "It uses a case-insensitive token as a means to identify the
    authentication scheme" (RFC 9110 §11.1 the same); RFC 6750 §2.1 grammar: credentials = "Bearer" 1*SP
    b64token, whose quoted string "Bearer" is case-insensitive (RFC 5234 §2.3). `bearer <token>` is a
    conforming Bearer credential: a platform refusing it refuses a request the RFCs define as valid.
    """
    response = contract_client.get(contract_target.protected_path, auth=authorization(token, scheme="bearer"))
    expect(
        clause,
        200 <= response.status_code < 300,
        expected="Authorization: bearer <fresh token>: any 2xx, as for Bearer",
        actual=status_text(response),
        responses=[response],
    )


def test_oversized_authorization_gets_a_4xx(clause: Clause, probes: Probes) -> None:
    """A 10 kB Bearer token is answered with a 4xx (400, 401, 413, 431...), never a 5xx.

    Clause: RFC 9110 §5.4: "A server that receives a request header field line, field value, or set of
    fields larger than it wishes to process MUST respond with an appropriate 4xx (Client Error) status
    code." A platform that processes the header refuses an unknown token (a 4xx too); one that does not
    wish to MUST say so with a 4xx (431 of RFC 6585 is a MAY, any 4xx keeps the MUST). A 5xx keeps
    neither: RFC 9110 §15.6 defines it as the server being "aware that it has erred", an admission
    rather than the rule, which is §5.4's.

    A 2xx would accept a token nobody issued: the contract check of unknown tokens judges that. A 502,
    503 or 504 (a gateway) and a closed connection are target errors, as everywhere in the suite.
    """
    response = probes.oversized_token
    expect(
        clause,
        response.status_code < 500,
        expected=f"Authorization: Bearer <{OVERSIZED_TOKEN_LENGTH} characters nobody issued>: a 4xx "
        "(refused as an unknown token, or as too large: 400, 413, 431), not a 5xx",
        actual=status_text(response),
        responses=[response],
    )


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


def test_credentials_and_tokens_travel_under_tls(
    clause: Clause, contract_target: Target, login_reply: requests.Response
) -> None:
    """A target off the loopback is reached over https: its logins and its tokens travel under TLS.

    Clause: RFC 6749 §3.2: "Since requests to the token endpoint result in the transmission of clear-text
    credentials (in the HTTP request and response), the authorization server MUST require the use of TLS
    as described in Section 1.6 when sending requests to the token endpoint." RFC 6750 §5.3: "Clients
    MUST always use TLS [RFC5246] (https) or equivalent transport security when making requests with
    bearer tokens."

    Judged on the base URL: a platform the suite logged in to over plain http did not require TLS. A
    target on the loopback (127.0.0.0/8, ::1, localhost: the bundled mock, a local server) skips, its
    traffic never leaving the machine; a name is never resolved to decide it.
    """
    base_url = contract_target.base_url
    parts = urlsplit(base_url)
    scheme = parts.scheme
    if scheme == "http" and is_loopback(base_url):
        pytest.skip(
            f"plain http to {parts.hostname}, a loopback address: the traffic never leaves this machine, so "
            "RFC 6749 §3.2 and RFC 6750 §5.3 (TLS) are not judged on it; a platform off the loopback is "
            "judged on them, and fails unless reached over https."
        )
    request = login_reply.request
    expect(
        clause,
        scheme == "https",
        expected="the token endpoint and the protected path reached over https",
        actual=f"{request.method} {request.url} answered {status_text(login_reply)} over plain http: "
        "the credentials and the token it issued crossed the network in clear",
        responses=[login_reply],
    )
