"""The protected path: a fresh Bearer token opens it, a missing or invalid token does not (marker `contract`).

The documentation says how a token is sent and that calls are authenticated with it; it names no
refusal status. So these checks ask only that a refusal is a refusal (no 2xx, no 5xx); which status
it carries is RFC 6750 §3.1's SHOULD, checked in test_advisory.py.
"""

from __future__ import annotations

import pytest

from .checks import Clause, expect_accepted, expect_refused
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
