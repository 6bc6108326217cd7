"""The bundled mock's demo user, as a client logs in: read from the mock's own users file.

fixtures/users.json is the data (the mock serves its users from it); the suite, `compare` and
`load` log in to the bundled mock with the user named DEMO_USERNAME there, and its password is
read from that same file, so the two can never disagree.
"""

from __future__ import annotations

from mockserver.data import DEMO_USERNAME, demo_credentials

from .redaction import Secret

__all__ = ["DEMO_PASSWORD", "DEMO_USERNAME", "MOCK_PROTECTED_PATH", "demo_user"]

MOCK_PROTECTED_PATH = "/me"  # the bundled mock's GET path that a valid token opens


DEMO_PASSWORD = demo_credentials()[1]


def demo_user() -> tuple[Secret, Secret]:
    """The demo user's credentials, as the secrets a Login sends."""
    return Secret(DEMO_USERNAME), Secret(DEMO_PASSWORD)
