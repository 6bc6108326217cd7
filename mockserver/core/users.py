"""The platform's users: loaded from a data file, joined by faker-made ones and by the control API."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..data import load_json
from ..schemas import first_error
from .errors import OAuthError
from .shared import SharedDocument

__all__ = ["MAX_ADDED_USERS", "User", "UserDirectory", "fake_users", "load_users"]

# Users added through the control API live in the document every worker copies when it changes:
# past this many (a user may take 16 KiB), adding a new name is refused (409). Files have no cap.
MAX_ADDED_USERS = 200


def _digest(salt: bytes, password: str) -> bytes:
    return hashlib.sha256(salt + password.encode()).digest()


_DUMMY_SALT = b"\0" * 16
_DUMMY_DIGEST = _digest(_DUMMY_SALT, "no user has this password")


@dataclass(frozen=True)
class User:
    """A user as the mock keeps it: the password only as a salted digest."""

    username: str
    salt: bytes
    password_digest: bytes
    permissions: frozenset[str]
    disabled: bool = False

    @classmethod
    def create(
        cls, username: str, password: str, permissions: Iterable[str] = (), disabled: bool = False
    ) -> User:
        salt = secrets.token_bytes(16)
        return cls(username, salt, _digest(salt, password), frozenset(permissions), disabled)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> User:
        """From a users file or control API body (`password`), or a stored record (digest)."""
        if "password" in data:
            return cls.create(
                data["username"],
                data["password"],
                data.get("permissions", ()),
                bool(data.get("disabled", False)),
            )
        return cls(
            data["username"],
            bytes.fromhex(data["salt"]),
            bytes.fromhex(data["password_digest"]),
            frozenset(data.get("permissions", ())),
            bool(data.get("disabled", False)),
        )

    def record(self) -> dict[str, Any]:
        """What the shared state stores: never the password."""
        return {**self.public(), "salt": self.salt.hex(), "password_digest": self.password_digest.hex()}

    def public(self) -> dict[str, Any]:
        """What the control API may show."""
        return {"username": self.username, "permissions": sorted(self.permissions), "disabled": self.disabled}

    def password_matches(self, password: str) -> bool:
        return hmac.compare_digest(self.password_digest, _digest(self.salt, password))


class UserDirectory:
    """The users from files, overlaid by users added at run time (shared by every worker)."""

    def __init__(self, base: Iterable[User], shared: SharedDocument) -> None:
        self._base = {user.username: user for user in base}
        self._shared = shared
        self._overlay_generation = -1
        self._overlay: dict[str, User] = {}

    def get(self, username: str) -> User | None:
        overlay = self._current_overlay()
        return overlay.get(username) or self._base.get(username)

    def all(self) -> list[User]:
        merged = {**self._base, **self._current_overlay()}
        return sorted(merged.values(), key=lambda user: user.username)

    def add(self, user: User) -> None:
        """Add, or replace the user of that name (which takes no more room)."""

        def put(document: dict[str, Any]) -> None:
            users = document["users"]
            if user.username not in users and len(users) >= MAX_ADDED_USERS:
                raise OAuthError.full("added users", MAX_ADDED_USERS)
            users[user.username] = user.record()

        self._shared.update(put)

    def verify(self, username: str, password: str) -> User | None:
        """The user if the password is theirs; the same work is done for an unknown user."""
        user = self.get(username)
        if user is None:
            hmac.compare_digest(_DUMMY_DIGEST, _digest(_DUMMY_SALT, password))
            return None
        return user if user.password_matches(password) else None

    def _current_overlay(self) -> dict[str, User]:
        snapshot = self._shared.view()
        if snapshot.generation != self._overlay_generation:
            self._overlay = {name: User.from_dict(record) for name, record in snapshot.users.items()}
            self._overlay_generation = snapshot.generation
        return self._overlay


def load_users(path: Path) -> list[User]:
    """The users file, each entry checked as the control API checks a new user."""
    document = load_json(path)
    entries = document.get("users") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"users file {path}: expected an object with a list 'users'")
    for index, entry in enumerate(entries):
        problem = first_error("user", entry, where=(f"users[{index}]",))
        if problem is not None:
            raise ValueError(f"users file {path}: {problem}")
    return [User.from_dict(entry) for entry in entries]


def fake_users(count: int, seed: int, permissions: Iterable[str]) -> list[User]:
    """`count` users made by faker from `seed`: the same users on every run.

    Each password is `<username>-password`, like the demo users', so a developer can log in as
    any user the control API lists.
    """
    from .fake import seeded_faker  # faker comes with the 'fake' extra: a ConfigError without it

    faker = seeded_faker(seed, "making users with faker (--fake-users)")
    pool = sorted(permissions)
    users = []
    for _ in range(count):
        granted = faker.random_sample(pool, length=faker.random_int(1, len(pool))) if pool else []
        username = faker.unique.user_name()
        users.append(User.create(username, f"{username}-password", granted))
    return users
