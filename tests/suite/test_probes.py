"""The probes: the unknown token is well-formed, shaped like the real one, and not it; the logins missing a
field leave it out and go to a live platform too; the query-string token goes in the URL alone."""

from __future__ import annotations

import base64
import secrets

from contract_tests.probes import unknown_like
from contract_tests.redaction import Secret

from .conftest import SuiteRunner
from .targets import Platform, jwt_token


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


def test_incomplete_logins_leave_the_field_out_on_a_live_target(suite: SuiteRunner) -> None:
    """Harmless (no password is tried), so they are sent to live platforms: the field is absent, not empty."""
    platform = Platform(required_params={"grant_type": "password"})
    outcome = suite.run(
        platform,
        "-k",
        "test_incomplete_login_is_refused",
        env={"CONTRACT_TOKEN_PARAMS": "grant_type=password"},
    )
    assert outcome.passed == {"test_incomplete_login_is_refused"}, outcome.text
    assert ("grant_type", "username") in platform.login_fields
    assert ("grant_type", "password") in platform.login_fields
    assert platform.logins.count("invalid") == 2


def test_the_query_string_token_is_sent_without_a_header_and_never_shown(suite: SuiteRunner) -> None:
    platform = Platform(query_tokens=True)
    outcome = suite.run(platform, "-k", "test_query_string_token_is_refused", "--advisory=fail")
    assert outcome.failed == {"test_query_string_token_is_refused"}, outcome.text
    assert "?access_token=***" in outcome.text
    assert not any(token in outcome.text for token in platform.issued)
