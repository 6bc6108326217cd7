"""Which targets are on loopback: decided from the base URL's host alone, never by resolving a name."""

from __future__ import annotations

import socket

import pytest

from contract_tests.loopback import is_loopback


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://127.8.9.10",
        "http://[::1]:8080",
        "http://localhost:5000",
        "http://LocalHost.",
        "http://[::ffff:127.0.0.1]:80",
        "https://127.0.0.1:8443/api",
    ],
)
def test_loopback_targets(url: str) -> None:
    assert is_loopback(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1",
        "http://192.168.1.20:8080",
        "http://128.0.0.1",
        "http://0.0.0.0:8080",
        "http://[::]:8080",
        "http://[::ffff:10.0.0.1]",
        "http://staging.example.com",
        "http://localhost.example.com",
        "http://127.0.0.1.example.com",
        "http://mylocalhost",
    ],
)
def test_other_targets(url: str) -> None:
    assert not is_loopback(url)


def test_a_name_is_never_resolved(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that resolves to 127.0.0.1 (a hosts file, a DNS trick) is still not loopback: where it
    points may change, and the credentials would then travel in clear."""

    def refuse(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("a name was resolved")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    assert not is_loopback("http://staging.platform.test:8080")
    assert is_loopback("http://localhost:8080")
