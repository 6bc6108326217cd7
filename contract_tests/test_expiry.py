"""Tokens expire when announced: not later, and not early (marker `contract`).

Where the expired token comes from is expiry.py's business: the mock's clock, CONTRACT_EXPIRED_TOKEN,
or a wait of at most CONTRACT_EXPIRY_WAIT; without any of them these tests are skipped, saying so.
The expired token's answer is a probe, sent once: the RFC checks of every 401 read it too.
"""

from __future__ import annotations

import pytest

from .checks import Clause, expect, expect_refused, status_text
from .client import ContractClient, authorization
from .plugin import Target
from .probes import Probes
from .redaction import Secret

pytestmark = pytest.mark.contract


def test_expired_token_is_refused(clause: Clause, probes: Probes) -> None:
    """An expired token: refused (no 2xx, no 5xx).

    Clause: platform docs: expires_in "is how long the token is available for before it expires":
    past it, the token no longer opens the API. (The 401 of RFC 6750 §3.1 is a SHOULD: advisory.)
    """
    expect_refused(clause, probes.expired_token, "a token past its announced expires_in")


def test_token_lives_its_announced_lifetime(
    clause: Clause, contract_client: ContractClient, contract_target: Target, nearly_expired_token: Secret
) -> None:
    """A token is still accepted shortly before its announced lifetime ends.

    Clause: platform docs: expires_in "is how long the token is available for before it expires.
    This value is expressed in seconds."
    """
    response = contract_client.get(contract_target.protected_path, auth=authorization(nearly_expired_token))
    expect(
        clause,
        200 <= response.status_code < 300,
        expected="a token shortly before the end of its announced expires_in: any 2xx",
        actual=status_text(response),
        responses=[response],
    )
