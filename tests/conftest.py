"""Fixtures for the project's own tests: a mock on a manual clock, reached in-process or over HTTP."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from mockserver import ManualClock, MockServer, Settings, create_app
from mockserver.core.state import MockState

# a test that starts a process carries the `processes` marker, or fails (tests/process_guard.py)
from .process_guard import pytest_runtest_call, pytest_runtest_setup, pytest_runtest_teardown  # noqa: F401
from .transport import HttpTransport, TestClientTransport, Transport

# `make test` runs a bounded number of generated cases; `make fuzz` selects the "fuzz" profile.
hypothesis_settings.register_profile(
    "default", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile(
    "fuzz", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("default")

# The commands these tests start wrap their tables to COLUMNS; whoever runs the tests (a terminal, a
# CI runner, an xdist worker) must not decide where a title breaks. Tests of wrapping set their own.
os.environ["COLUMNS"] = "200"


def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """A failed `secret not in output` must not print the secret: its position is enough."""
    if op == "not in" and isinstance(left, str | bytes) and isinstance(right, type(left)):
        at = right.find(left)  # type: ignore[arg-type]
        return [
            f"a string that must not appear was found at offset {at} of {len(right)}",
            "(neither is shown: the string may be a password or a token)",
        ]
    return None


# Modules whose tests each start whole runs (schemathesis fuzzing the mock, `authcontract` commands and
# their suite processes, Locust, the suite in this process many times), longest first. pytest-xdist
# hands tests out in collection order: these start the run, and both workers end it on short tests
# instead of one of them finishing a 20 s test alone.
HEAVY_FIRST = (
    "tests/mock/test_openapi_conformance.py",
    "tests/cli/test_check.py",
    "tests/project/test_docs.py",
    "tests/cli/test_load_command.py",
    "tests/project/test_workflows.py",
    "tests/suite/test_flaky.py",
    "tests/suite/test_breaches.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Heavy modules first (a stable sort: each module's tests keep their order and stay together)."""
    rank = {path: index for index, path in enumerate(HEAVY_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.partition("::")[0], len(rank)))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what collection left alive (flask, schemathesis, hypothesis, every test module) out of the
    cyclic garbage collector's sight: objects are still freed by reference counting, but each full
    collection no longer walks them. The contract suite run in this process (tests/suite/) ends
    every run with pytest's own full collections, which took a fifth of a short run's time."""
    gc.collect()
    gc.freeze()


DEMO = ("demo", "demo-password")
VIEWER = ("viewer", "viewer-password")


@pytest.fixture
def settings() -> Settings:
    """Override in a test module to run the same tests on other settings."""
    return Settings(log_requests=False)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def app(settings: Settings, clock: ManualClock) -> Flask:
    return create_app(settings, clock=clock)


@pytest.fixture
def mock(app: Flask) -> MockState:
    return app.extensions["mockserver"]


@pytest.fixture
def server(app: Flask) -> Iterator[MockServer]:
    with MockServer(app=app) as running:
        yield running


@pytest.fixture(params=["test-client", "http"])
def api(request: pytest.FixtureRequest, app: Flask) -> Iterator[Transport]:
    """Each test using this runs twice: through Flask's test client and over a real socket."""
    if request.param == "test-client":
        yield TestClientTransport(app.test_client())
        return
    with MockServer(app=app) as running:
        transport = HttpTransport(running.url)
        yield transport
        transport.close()


def login(api: Transport, username: str = DEMO[0], password: str = DEMO[1]) -> str:
    reply = api.request("POST", "/authorization", data={"username": username, "password": password})
    assert reply.status == 200, reply.text
    return reply.body["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
