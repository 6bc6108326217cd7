"""The protected path: a fresh Bearer token opens it, a missing or invalid token does not (marker `contract`).

The documentation says how a token is sent and that calls are authenticated with it; it names no
refusal status. So these checks ask only that a refusal is a refusal (no 2xx, no 5xx); which status
it carries is RFC 6750 §3.1's SHOULD, checked in test_advisory.py.
"""

from __future__ import annotations

import pytest
import requests

from .checks import Clause, expect, expect_accepted, expect_refused, is_refusal, status_text
from .client import ContractClient, authorization
from .plugin import Target
from .probes import Probes
from .redaction import Secret

pytestmark = pytest.mark.contract


def test_fresh_token_is_accepted(
    clause: Clause, contract_client: ContractClient, contract_target: Target, token: Secret
) -> None:
    """A fresh token opens the protected path as `Authorization: Bearer <token>` (any 2xx, 204 included).

    Clause: platform docs, "How to include an access token in a call": "You must include your token in
    the call's HTTP authorization header as a bearer credential."
    """
    response = contract_client.get(contract_target.protected_path, auth=authorization(token))
    expect_accepted(clause, response, "Authorization: Bearer <fresh token>")


def test_missing_authorization_is_refused(clause: Clause, probes: Probes) -> None:
    """No Authorization header: refused (no 2xx, no 5xx).

    Clause: platform docs: "API calls that you make are authenticated using OAuth 2" and "You must
    include your token in the call's HTTP authorization header": a call without one is not served.
    """
    expect_refused(clause, probes.no_header, "no Authorization header")


def test_unknown_token_is_refused(clause: Clause, probes: Probes) -> None:
    """A well-formed token the platform never issued: refused (no 2xx, no 5xx).

    Clause: platform docs: the access token "is used for authentication purposes" and "validate[s] that
    you have permission to access the API": a token the platform never issued validates nothing.
    """
    expect_refused(clause, probes.unknown_token, "a well-formed unknown token")


def test_bearer_without_token_is_refused(clause: Clause, probes: Probes) -> None:
    """`Authorization: Bearer` with no token: refused (no 2xx, no 5xx).

    Clause: platform docs: "You must include your token in the call's HTTP authorization header as a
    bearer credential": a Bearer header without one authenticates nothing.
    """
    expect_refused(clause, probes.bearer_without_token, "Authorization: Bearer (no token)")


def test_malformed_token_is_refused(clause: Clause, probes: Probes) -> None:
    """A token outside the b64token syntax: refused (no 2xx, no 5xx).

    Clause: platform docs: an access token "is a unique string of numbers and letters" that you "must
    include ... as a bearer credential"; RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token.
    """
    for name, response in probes.malformed.items():
        expect_refused(clause, response, f"a malformed token ({name})")


def test_other_schemes_are_refused(clause: Clause, probes: Probes) -> None:
    """A valid token sent other than as a Bearer credential (`Basic <token>`, `Token <token>`,
    `Bearer<token>` with no space) is refused (no 2xx, no 5xx).

    Clause: platform docs, "How to include an access token in a call": "You must include your token in
    the call's HTTP authorization header as a bearer credential", and RFC 6750 §2.1 defines that
    credential: credentials = "Bearer" 1*SP b64token. None of these is one, so the call carries no
    bearer credential: it is refused like a call without a token. RFC 6750 requires no server to refuse
    them (its grammar binds what a Bearer credential is, not what else a server may accept), so the
    clause is the documentation's, contract; a platform that reads the token whatever the scheme says
    answers to `Basic`, whose credential is a user-id and password (RFC 7617).
    """
    answers = probes.other_schemes
    wrong = {name: response for name, response in answers.items() if not is_refusal(response)}
    expect(
        clause,
        not wrong,
        expected="each refused, neither a 2xx nor a 5xx: "
        + ", ".join(f"Authorization: {name}" for name in answers),
        actual="; ".join(f"{name}: {_what_it_did(response)}" for name, response in answers.items()),
        responses=list(wrong.values())[:1],
    )


def _what_it_did(response: requests.Response) -> str:
    if 200 <= response.status_code < 300:
        return f"accepted ({status_text(response)})"
    if response.status_code >= 500:
        return f"crashed ({status_text(response)})"
    return f"refused ({status_text(response)})"
