"""The bundled mock's demo user, as a client logs in: read from the mock's own users file.

fixtures/users.json is the data (the mock serves its users from it); the suite, `compare` and
`load` log in to the bundled mock with the user named DEMO_USERNAME there, and its password is
read from that same file, so the two can never disagree.
"""

from __future__ import annotations

from mockserver.data import fixture_path, load_json

from .redaction import Secret

__all__ = ["DEMO_PASSWORD", "DEMO_USERNAME", "MOCK_PROTECTED_PATH", "demo_user"]

DEMO_USERNAME = "demo"  # every sample permission (fixtures/users.json)
MOCK_PROTECTED_PATH = "/me"  # the bundled mock's GET path that a valid token opens


def _password_of(username: str) -> str:
    users = load_json(fixture_path("users.json"))["users"]
    return next(str(user["password"]) for user in users if user["username"] == username)


DEMO_PASSWORD = _password_of(DEMO_USERNAME)


def demo_user() -> tuple[Secret, Secret]:
    """The demo user's credentials, as the secrets a Login sends."""
    return Secret(DEMO_USERNAME), Secret(DEMO_PASSWORD)
