"""The protected path: a fresh token opens it, no token or an unknown one does not (marker `contract`)."""

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
    """No Authorization header: 401.

    Clause: platform docs: "API calls that you make are authenticated using OAuth 2"; RFC 6750 §3.1:
    a request lacking authentication information gets 401.
    """
    expect_refused(clause, probes.no_header, "no Authorization header")


def test_unknown_token_is_refused(clause: Clause, probes: Probes) -> None:
    """A well-formed token the platform never issued: 401.

    Clause: platform docs: the access token "is used for authentication purposes"; RFC 6750 §3.1
    invalid_token: "expired, revoked, malformed, or invalid for other reasons" gets 401.
    """
    expect_refused(clause, probes.unknown_token, "a well-formed unknown token")
