"""The requests the protected path and the token endpoint are probed with, each sent once per run.

Several checks read the same exchange (a 401 is checked for its status, its challenge and its
error code), so each probe is sent once and its answer kept: fewer requests, and on a live
platform fewer failed logins against a real account. A TargetError is kept the same way: every
check that reads the probe reports it, and a flaky platform does not get the wrong password again
(and up to 1 + RETRIES attempts again) from each of them.
"""

from __future__ import annotations

import base64
import re
import secrets
import string
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

import pytest
import requests

from .client import ContractClient, TargetError, authorization
from .expiry import Expiry
from .login import Login, TokenSource
from .redaction import Secret

__all__ = ["MALFORMED_TOKENS", "OVERSIZED_TOKEN_LENGTH", "Probes", "unknown_like"]

# not RFC 6750 b64token: inner space, characters outside the set, padding first
MALFORMED_TOKENS = {"inner space": "abc def", "outside the set": "abc@def!", "padding first": "=abcdef"}
_ROTATE = str.maketrans(
    string.ascii_letters + string.digits,
    string.ascii_letters[1:] + "a" + string.digits[1:] + "0",
)
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
# 10 kB of b64token: past the 8 kB line many front servers allow, far below what a client may send
OVERSIZED_TOKEN_LENGTH = 10 * 1024


T = TypeVar("T")


class once(Generic[T]):  # a decorator, lower case like functools.cached_property
    """cached_property that keeps a TargetError or a skip too, and raises it again on every read."""

    def __init__(self, probe: Callable[[Any], T]) -> None:
        self._probe = probe
        self._key = f"_once_{probe.__name__}"
        self.__doc__ = probe.__doc__

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> once[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | once[T]:
        if instance is None:
            return self
        kept = instance.__dict__
        if self._key not in kept:
            try:
                kept[self._key] = self._probe(instance)
            except (TargetError, pytest.skip.Exception) as exc:
                kept[self._key] = exc
        outcome = kept[self._key]
        if isinstance(outcome, (TargetError, pytest.skip.Exception)):
            raise outcome
        return outcome


def unknown_like(token: Secret) -> Secret:
    """A well-formed token the target never issued, shaped like a real one (a JWT stays a JWT).

    A JWT keeps its header and payload and gets another valid base64url signature, so a platform
    that decodes JWTs before looking them up still sees a well-formed token. Any other token has
    its second half rotated character by character: same length and alphabet, other value.
    """
    value = token.reveal()
    segments = value.split(".")
    if len(segments) == 3 and all(_BASE64URL.fullmatch(segment) for segment in segments):
        return Secret(".".join([*segments[:2], _other_signature(segments[2])]))
    half = len(value) // 2
    return Secret(value[:half] + value[half:].translate(_ROTATE))


def _other_signature(signature: str) -> str:
    """Every byte of the signature inverted, encoded again: canonical base64url of the same length."""
    try:
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    except ValueError:
        return signature.translate(_ROTATE)
    inverted = bytes(byte ^ 0xFF for byte in raw)
    return base64.urlsafe_b64encode(inverted).decode().rstrip("=")


class Probes:
    """Lazily sent, remembered exchanges with one target."""

    def __init__(
        self,
        client: ContractClient,
        login: Login,
        protected_path: str,
        tokens: TokenSource,
        expiry: Callable[[], Expiry],
    ) -> None:
        self._client = client
        self._login = login
        self._path = protected_path
        self._tokens = tokens
        self._expiry = expiry
        self.wrong_password_sent = Secret("wrong-" + secrets.token_urlsafe(12))

    def _protected(self, auth: str | None) -> requests.Response:
        return self._client.get(self._path, auth=auth)

    @once
    def no_header(self) -> requests.Response:
        return self._protected(None)

    @once
    def unknown_token(self) -> requests.Response:
        return self._protected(authorization(unknown_like(self._tokens.current())))

    @once
    def expired_token(self) -> requests.Response:
        """Sent once, so that every check of it shares one wait for expiry; a skip is kept as well."""
        with self._expiry().expired_token() as token:
            return self._protected(authorization(token))

    @once
    def bearer_without_token(self) -> requests.Response:
        return self._protected("Bearer")

    @once
    def malformed(self) -> dict[str, requests.Response]:
        return {name: self._protected(f"Bearer {token}") for name, token in MALFORMED_TOKENS.items()}

    @once
    def other_scheme(self) -> requests.Response:
        return self._protected(authorization(self._tokens.current(), scheme="Token"))

    @once
    def other_schemes(self) -> dict[str, requests.Response]:
        """A valid token under schemes other than Bearer, and glued to `Bearer` with no space."""
        token = self._tokens.current()
        return {
            "Basic <token>": self._protected(authorization(token, scheme="Basic")),
            "Token <token>": self.other_scheme,
            "Bearer<token> (no space)": self._protected("Bearer" + token.reveal()),
        }

    @once
    def oversized_token(self) -> requests.Response:
        """`Authorization: Bearer ` and a 10 kB b64token nobody issued; random, so no secret to mask."""
        return self._protected(authorization(secrets.token_urlsafe(OVERSIZED_TOKEN_LENGTH * 3 // 4)))

    @once
    def wrong_password(self) -> requests.Response:
        return self._login.send(self._client, password=self.wrong_password_sent)

    @once
    def unknown_user(self) -> requests.Response:
        return self._login.send(self._client, username=Secret("contract-nobody-" + secrets.token_hex(6)))

    @once
    def token_by_get(self) -> requests.Response:
        return self._login.send(self._client, method="GET")

    @once
    def without_password(self) -> requests.Response:
        """Harmless on a live platform: no password is tried, so no failed attempt counts towards a lock."""
        return self._login.send(self._client, omit=("password",))

    @once
    def without_username(self) -> requests.Response:
        return self._login.send(self._client, omit=("username",))

    @once
    def query_token(self) -> requests.Response:
        """A valid token sent only as `?access_token=` (RFC 6750 §2.3), with no Authorization header."""
        return self._client.request(
            "GET", self._path, params={"access_token": self._tokens.current().reveal()}
        )

    def protected_refusals(self) -> dict[str, requests.Response]:
        """Every probe of the protected path that sends no valid token in a Bearer header."""
        return {
            "no Authorization header": self.no_header,
            "unknown token": self.unknown_token,
            **self._expired_if_obtainable(),
            "Bearer without a token": self.bearer_without_token,
            "another scheme": self.other_scheme,
            "token in the query string only": self.query_token,
            **{f"malformed token ({name})": response for name, response in self.malformed.items()},
        }

    def _expired_if_obtainable(self) -> dict[str, requests.Response]:
        """The expired token's answer where this run can have one; where it cannot, its own check says why."""
        try:
            return {"expired token": self.expired_token}
        except pytest.skip.Exception:
            return {}

    def bad_credentials(self) -> dict[str, requests.Response]:
        """Logins with credentials the platform must not accept: RFC 6749 §5.2 invalid_grant."""
        return {"wrong password": self.wrong_password, "unknown user": self.unknown_user}

    def incomplete_logins(self) -> dict[str, requests.Response]:
        """Logins missing a field the documentation requires: RFC 6749 §5.2 invalid_request."""
        return {
            "login without a password": self.without_password,
            "login without a username": self.without_username,
        }

    def token_refusals(self) -> dict[str, requests.Response]:
        """Every login the token endpoint must refuse."""
        return {**self.bad_credentials(), **self.incomplete_logins()}
