"""Header parsing of the RFC checks: challenges, directives, token capacity."""

from __future__ import annotations

import pytest

from contract_tests.challenges import cache_directives, capacity_bits, challenge_params, challenge_schemes


@pytest.mark.parametrize(
    ("header", "schemes"),
    [
        ('Bearer realm="x"', ["bearer"]),
        ("bearer", ["bearer"]),
        ('Basic realm="a, Bearer b", error="x"', ["basic"]),
        ('Newauth realm="apps", type=1, title="Login", Basic realm="simple"', ["newauth", "basic"]),
        ('Basic realm="a", BEARER error="invalid_token"', ["basic", "bearer"]),
        ("", []),
    ],
)
def test_challenge_schemes(header: str, schemes: list[str]) -> None:
    assert challenge_schemes(header) == schemes


def test_challenge_params() -> None:
    header = 'Bearer realm="x", error="invalid_token", error_description="a, b"'
    assert challenge_params(header) == {"realm": "x", "error": "invalid_token", "error_description": "a, b"}


def test_challenge_params_unescape_quoted_pairs() -> None:
    """RFC 7230 §3.2.6: a quoted-pair stands for the character it escapes."""
    header = r'Bearer realm="a \"b\" \\ c", error="invalid\_token"'
    assert challenge_params(header) == {"realm": 'a "b" \\ c', "error": "invalid_token"}


def test_cache_directives() -> None:
    assert cache_directives("No-Store, max-age=0") == {"no-store", "max-age"}


@pytest.mark.parametrize(
    ("token", "enough"),
    [
        ("0123456789abcdef" * 2, True),
        ("0123456789abcdef" * 2 + "0", True),
        ("0123456789abcde", False),
        ("A" * 21 + "b", True),
        ("A" * 20 + "b", False),
        ("d567fde24865df35defff57862dw2r42", True),
        ("12345678901234567890123456789012345678", False),
    ],
)
def test_capacity_bits(token: str, enough: bool) -> None:
    assert (capacity_bits(token) >= 128) is enough
