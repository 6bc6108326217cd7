"""The suite's redaction: registered secrets in every encoding, and patterns for the unregistered."""

from __future__ import annotations

import base64
import logging

import pytest

from contract_tests.echo import repeats
from contract_tests.redaction import MASK, Redactor, Secret, install_log_redaction, redact
from tests.mock.test_redaction import SECRET_NAMES

from .spellings import leaked_spellings, spellings_of


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


def test_the_suites_own_words_are_kept_where_a_common_password_spells_one() -> None:
    redactor = Redactor()
    redactor.register("password")
    redactor.keep("A wrong password gets a 4xx and no access_token.")
    redactor.keep("expected: the valid username with a wrong password: a 4xx status")
    text = (
        "[contract] A wrong password gets a 4xx and no access_token.\n"
        "expected: the valid username with a wrong password: a 4xx status\n"
        "actual:   500\n  body: 'no user with the password password'"
    )
    assert redactor.redact(text) == (
        "[contract] A wrong password gets a 4xx and no access_token.\n"
        "expected: the valid username with a wrong password: a 4xx status\n"
        "actual:   500\n  body: 'no user with the *** ***'"
    )


def test_a_kept_text_spares_only_its_own_span() -> None:
    redactor = Redactor()
    redactor.register("demo")
    redactor.keep("the demo user")
    assert redactor.redact("the demo user; demo") == f"the demo user; {MASK}"
    assert redactor.redact("demo") == MASK


@pytest.mark.parametrize(
    ("secret", "body", "headers", "echoed"),
    [
        (
            "password",
            '{"error": "invalid_grant", "error_description": "the username or password is wrong"}',
            {},
            False,
        ),
        ("password", '{"error": "invalid_grant", "password": "password"}', {}, True),
        ("password", '{"grant_type": "password", "access_token": "x"}', {}, False),  # a parameter sent back
        ("demo", "<p>Welcome to the demo</p>", {}, False),
        ("demo", "demo", {}, True),
        ("wrong", "", {"Location": "/login?error=1&password=wrong"}, True),
        ("wrong", "", {"X-Error": "wrong credentials"}, False),
        ("Pa55-w0rd&x", "password Pa55-w0rd&x seen", {}, True),  # distinctive: anywhere, in prose too
        ("Pa55-w0rd&x", "password Pa55-w0rd%26x seen", {}, True),
        ("Pa55-w0rd&x", "the username or password is wrong", {}, False),
    ],
    ids=[
        "common-in-prose",
        "common-as-value",
        "common-as-a-sent-parameter",
        "short-in-a-page",
        "short-as-the-body",
        "short-in-a-redirect",
        "short-in-a-header-sentence",
        "distinctive-in-prose",
        "distinctive-url-encoded",
        "distinctive-absent",
    ],
)
def test_an_echo_is_a_whole_value_for_a_common_password_and_any_occurrence_for_a_distinctive_one(
    secret: str, body: str, headers: dict[str, str], echoed: bool
) -> None:
    assert repeats(body, headers, secret, sent={"grant_type": "password"}) is echoed


ESCAPED_PASSWORD = "Go<&>pa55 w0rd-7f3a"  # what Go and .NET escape by default, and a space
SPELLINGS = sorted(spellings_of(ESCAPED_PASSWORD, "qa-user").items())  # ids: their names, never the forms


@pytest.mark.parametrize(("name", "spelling"), SPELLINGS, ids=[name for name, _ in SPELLINGS])
def test_a_registered_secret_is_masked_in_every_spelling_in_a_body_a_repr_and_a_url(
    name: str, spelling: str
) -> None:
    """Issue 31 item 3: masked once the text is decoded, whatever escapes and case the platform chose."""
    redactor = Redactor()
    redactor.register(ESCAPED_PASSWORD)
    for text in (
        f'{{"error_description": "password {spelling} seen"}}',
        repr(f'{{"error_description": "password {spelling} seen"}}'),
        f"Location: /login?error=1&echo={spelling}&next=/",
    ):
        masked = redactor.redact(text)
        assert leaked_spellings(masked, ESCAPED_PASSWORD, "qa-user") == [], name
        assert "7f3a" not in masked, name  # not even the password's tail
        assert MASK in masked


@pytest.mark.parametrize(("name", "spelling"), SPELLINGS, ids=[name for name, _ in SPELLINGS])
def test_an_echo_in_any_spelling_is_an_echo(name: str, spelling: str) -> None:
    body = f'{{"error": "invalid_grant", "error_description": "password {spelling} seen"}}'
    assert repeats(body, {}, ESCAPED_PASSWORD), name
    assert repeats("", {"X-Echo": f"Basic {spelling}"}, ESCAPED_PASSWORD), name


@pytest.mark.parametrize(
    ("body", "headers", "echoed"),
    [
        ('{"password": "d\\u0065mo"}', {}, True),
        ('{"password": "\\u0044EMO"}', {}, False),  # another word: case matters in a password
        ("", {"X-Echo": "Basic " + base64.b64encode(b"qa-user:demo").decode()}, True),
        ("", {"Location": "/login?password=%64emo"}, True),
        ('{"password": "d&#101;mo"}', {}, True),
    ],
    ids=["json-escaped", "other-word", "base64-user-password", "percent-lower", "html-decimal"],
)
def test_a_short_password_as_a_whole_value_is_an_echo_in_any_spelling(
    body: str, headers: dict[str, str], echoed: bool
) -> None:
    assert repeats(body, headers, "demo") is echoed


# The one table of secret names (tests/mock/test_redaction.py), read by the suite's patterns as by the mock
@pytest.mark.parametrize(("name", "masked"), SECRET_NAMES, ids=[name for name, _ in SECRET_NAMES])
def test_the_suites_patterns_mask_the_same_names_as_the_mock(name: str, masked: bool) -> None:
    """Issue 31 item 13: an unregistered value under a secret name is masked as a JSON member, a repr's
    key and a form or query field; a look-alike name (monkey, design, spinner) stays visible."""
    value = "unregistered-value-42"
    texts = [f'{{"{name}": "{value}"}}', repr({name: value}), f"POST /token?scope=a&{name}={value}&b=c"]
    shown = [value in Redactor().redact(text) for text in texts]
    assert shown == [not masked] * len(texts)
