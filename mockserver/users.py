"""The platform's users: loaded from a data file, optionally joined by faker-made ones."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .data import load_json

__all__ = ["User", "UserDirectory", "fake_users", "load_users"]

_DUMMY_PASSWORD = "x" * 32  # compared against when the user is unknown, so timing does not tell


@dataclass(frozen=True)
class User:
    username: str
    password: str
    permissions: frozenset[str]
    disabled: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> User:
        return cls(
            username=data["username"],
            password=data["password"],
            permissions=frozenset(data.get("permissions", ())),
            disabled=bool(data.get("disabled", False)),
        )

    def public(self) -> dict[str, Any]:
        """What the control API may show: everything but the password."""
        return {
            "username": self.username,
            "permissions": sorted(self.permissions),
            "disabled": self.disabled,
        }


class UserDirectory:
    """Users by name, with a constant-time password check. Thread-safe."""

    def __init__(self, users: Iterable[User] = ()) -> None:
        self._initial = {user.username: user for user in users}
        self._users = dict(self._initial)
        self._lock = threading.Lock()

    def get(self, username: str) -> User | None:
        return self._users.get(username)

    def all(self) -> list[User]:
        return sorted(self._users.values(), key=lambda user: user.username)

    def add(self, user: User) -> None:
        with self._lock:
            self._users[user.username] = user

    def reset(self) -> None:
        with self._lock:
            self._users = dict(self._initial)

    def verify(self, username: str, password: str) -> User | None:
        """The user if the password is theirs; compared in constant time either way."""
        user = self._users.get(username)
        expected = user.password if user else _DUMMY_PASSWORD
        matches = hmac.compare_digest(expected.encode(), password.encode())
        return user if user is not None and matches else None


def load_users(path: Path) -> list[User]:
    data = load_json(path)
    return [User.from_dict(item) for item in data["users"]]


def fake_users(count: int, seed: int, permissions: Iterable[str]) -> list[User]:
    """`count` users made by faker from `seed`: the same users on every run.

    Each password is `<username>-password`, like the demo users', so a developer can log in as
    any user the control API lists.
    """
    from faker import Faker

    faker = Faker()
    faker.seed_instance(seed)
    pool = sorted(permissions)
    users = []
    for _ in range(count):
        granted = faker.random_sample(pool, length=faker.random_int(1, len(pool))) if pool else []
        username = faker.unique.user_name()
        users.append(User(username, f"{username}-password", frozenset(granted)))
    return users
