"""schemathesis, with every check it has, against the mock's own /openapi.json over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from mockserver import MockServer, Settings

EXAMPLES_PER_OPERATION = 30  # bounded for `make test`; `make fuzz` runs many more


@pytest.fixture(scope="module")
def conformance_server() -> Iterator[MockServer]:
    with MockServer(Settings(log_requests=False)) as server:
        yield server


@pytest.fixture(scope="module")
def mock_schema(conformance_server: MockServer) -> Any:
    schema = schemathesis.openapi.from_url(conformance_server.url_for("openapi.json"))
    tokens = conformance_server.state.tokens
    demo = conformance_server.state.users.get("demo")

    @schema.auth.auth(retry_on=[401])
    class DemoToken:
        """A real token of the demo user, issued by the mock's own store, so no test login can lock it."""

        def get(self, case: Any, context: Any) -> str:
            return tokens.issue(demo.username, demo.permissions).access_token

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


schema = schemathesis.pytest.from_fixture("mock_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_mock_conforms_to_its_own_description(case: Any) -> None:
    case.call_and_validate(timeout=5)
