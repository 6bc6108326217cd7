"""A downstream conftest.py choosing the mock's settings in Python."""

import pytest

from mockserver import Settings


@pytest.fixture(scope="session")
def auth_mock_settings():
    return Settings(token_ttl=60, log_requests=False)
