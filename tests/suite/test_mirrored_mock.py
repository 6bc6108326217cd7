"""The bundled mock keeps the contract under every value of the settings `compare --write-mock-config`
writes: the whole suite, in-process, against the mock configured each way, over a loopback socket.

The mock's clock is the suite's fake clock (shifted to a plausible epoch), so the expiry checks
wait for a token of any lifetime without sleeping.
"""

from __future__ import annotations

from typing import Any

import pytest

from mockserver import MockServer, Settings, create_app

from .conftest import SuiteRunner
from .targets import FakeClock

CHECKS = 35
EPOCH = 1_700_000_000.0


class SuiteClock:
    """The mock's Clock, read from the suite's fake clock: the suite's waits move the mock's time."""

    def __init__(self, fake: FakeClock) -> None:
        self.fake = fake
        self.offset = EPOCH

    def now(self) -> float:
        return self.fake.now() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def set(self, timestamp: float) -> None:
        self.offset = timestamp - self.fake.now()

    def reset(self) -> None:
        self.offset = EPOCH


MIRRORED = [
    pytest.param({"token_scope": False}, id="no-token-scope"),
    pytest.param({"error_descriptions": False}, id="no-error-descriptions"),
    pytest.param({"error_cache_headers": False}, id="no-error-cache-headers"),
    pytest.param(
        {"invalid_grant_status": 401, "realm": "staging", "token_ttl": 86_400}, id="401-realm-a-day"
    ),
    pytest.param(
        {"token_scope": False, "error_descriptions": False, "error_cache_headers": False, "token_ttl": 5},
        id="all-off-five-seconds",
    ),
]


@pytest.mark.parametrize("changes", MIRRORED)
def test_the_suite_passes_against_the_mock_under_each_mirrored_setting(
    suite: SuiteRunner, changes: dict[str, Any]
) -> None:
    settings = Settings(log_requests=False).replace(**changes)
    app = create_app(settings, clock=SuiteClock(suite.clock))
    with MockServer(app=app) as mock:
        outcome = suite.run_live(
            {
                "CONTRACT_BASE_URL": mock.url,
                "CONTRACT_USERNAME": "demo",
                "CONTRACT_PASSWORD": "demo-password",
                "CONTRACT_PROTECTED_PATH": "/me",
                "CONTRACT_EXPIRY_WAIT": "100000",  # waiting costs nothing on the fake clock
            }
        )
    assert outcome.ret == 0, outcome.text
    assert (outcome.failed, outcome.errors, outcome.other_skips) == (set(), {}, {}), outcome.text
    assert len(outcome.passed) == CHECKS, outcome.text
