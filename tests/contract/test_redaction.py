"""The suite's redaction: registered secrets in every encoding, and patterns for the unregistered."""

from __future__ import annotations

import logging

import pytest

from contract_tests.redaction import MASK, Redactor, Secret, install_log_redaction, redact


@pytest.fixture
def redactor() -> Redactor:
    redactor = Redactor()
    redactor.register("p&ss word=1")
    return redactor


@pytest.mark.parametrize(
    "text",
    ["p&ss word=1", "p%26ss%20word%3D1", "p%26ss+word%3D1", '"password": "p&ss word=1"'],
    ids=["raw", "quoted", "quote-plus", "json"],
)
def test_registered_secret_is_masked_in_every_form(redactor: Redactor, text: str) -> None:
    assert "p&ss" not in redactor.redact(text)
    assert "ss word" not in redactor.redact(text)
    assert MASK in redactor.redact(text)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ('{"access_token": "abc.def-ghi"}', '{"access_token": "***"}'),
        ("POST /token?username=u&password=abc", "POST /token?username=u&password=***"),
        ("Authorization: Token abcdefgh", "Authorization: Token ***"),
        ("Bearer abcdefghijklmnopqrstuvwxyz0123", "Bearer ***"),
        (
            'WWW-Authenticate: Bearer realm="abcdefghijklmnopqrst"',
            'WWW-Authenticate: Bearer realm="abcdefghijklmnopqrst"',
        ),
        ("a token different from the first", "a token different from the first"),
    ],
)
def test_patterns_mask_unregistered_secrets_only(text: str, kept: str) -> None:
    assert Redactor().redact(text) == kept


def test_secret_repr_is_masked() -> None:
    secret = Secret("s3cr3t-value-for-repr")
    assert "s3cr3t" not in repr(secret) + str(secret) + f"{secret}" + repr([secret])
    assert secret.reveal() == "s3cr3t-value-for-repr"
    assert redact("x s3cr3t-value-for-repr y") == f"x {MASK} y"


def test_log_messages_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    Secret("log-secret-123456")
    undo = install_log_redaction()
    try:
        with caplog.at_level(logging.INFO):
            logging.getLogger("some.library").info("sent %s to %s", "log-secret-123456", "/me")
    finally:
        undo()
    assert caplog.messages == [f"sent {MASK} to /me"]
