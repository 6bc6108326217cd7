"""The probes' unknown token: well-formed, shaped like the real one, and not it."""

from __future__ import annotations

import base64
import secrets

from contract_tests.probes import unknown_like
from contract_tests.redaction import Secret

from .targets import jwt_token


def test_a_jwt_keeps_its_header_and_payload_and_gets_another_canonical_signature() -> None:
    """A platform that decodes JWTs before looking them up must still see a well-formed token."""
    token = jwt_token()
    header, payload, signature = token.split(".")
    altered = unknown_like(Secret(token)).reveal().split(".")
    assert altered[:2] == [header, payload]
    assert altered[2] != signature
    assert len(altered[2]) == len(signature)
    decoded = base64.urlsafe_b64decode(altered[2] + "=" * (-len(altered[2]) % 4))
    assert base64.urlsafe_b64encode(decoded).decode().rstrip("=") == altered[2]


def test_an_opaque_token_keeps_its_length_and_first_half() -> None:
    token = secrets.token_hex(20)
    altered = unknown_like(Secret(token)).reveal()
    assert altered != token
    assert len(altered) == len(token)
    assert altered[:20] == token[:20]
