"""schemathesis, with every check it has, against the mock's own /openapi.json over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from mockserver import MockServer, Settings
from mockserver.data import fixture_path, load_json, load_yaml

from . import schemathesis_nodeid

schemathesis_nodeid.install()  # pytest >= 9.2: schemathesis's from_fixture reads Function._nodeid

# The one user of schemathesis's pytest plugin, which pyproject.toml keeps out of every other run.
pytest_plugins = ["schemathesis.pytest.plugin"]

# An oversized body is invalid data rightly refused, with 413 (documented on each such operation).
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": ["400", "401", "403", "404", "405", "413"]}}}
)


CASES_SENT: list[str] = []


@pytest.fixture(scope="module")
def conformance_server() -> Iterator[MockServer]:
    with MockServer(Settings(log_requests=False)) as server:
        yield server
    print(f"\nschemathesis sent {len(CASES_SENT)} cases to the mock")  # shown by `make fuzz` (-s)


@pytest.fixture(scope="module")
def mock_schema(conformance_server: MockServer) -> Any:
    schema = schemathesis.openapi.from_url(conformance_server.url_for("openapi.json"), config=CONFIG)
    tokens = conformance_server.state.tokens
    demo = conformance_server.state.users.get("demo")

    @schema.auth.auth(retry_on=[401])
    class DemoToken:
        """A real token of the demo user, issued by the mock's own store, so no test login can lock it."""

        def get(self, case: Any, context: Any) -> str:
            return tokens.issue(demo.username).access_token

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


# Every fault the fuzzer could add is accepted by design and then breaks the answers that
# follow (500s, resets, delays): addFault is covered by tests/mock/test_faults.py instead.
schema = schemathesis.pytest.from_fixture("mock_schema").exclude(operation_id="addFault")


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck))  # examples: the hypothesis profile (tests/conftest.py)
def test_the_mock_conforms_to_its_own_description(case: Any) -> None:
    CASES_SENT.append(case.operation.label)
    case.call_and_validate(timeout=5)


@pytest.mark.parametrize(
    ("definition", "component"),
    [
        ("clock", "ClockChange"),
        ("revoke", "Revocation"),
        ("user", "NewUser"),
        ("fault", "Fault"),
        ("empty", "Empty"),
    ],
)
def test_the_description_and_the_validator_share_each_body_schema(definition: str, component: str) -> None:
    """openapi.yaml copies the control API's schemas; a drift would let one accept what the other refuses."""
    described = load_yaml(fixture_path("openapi.yaml"))["components"]["schemas"][component]
    assert described == load_json(fixture_path("schemas/control.json"))["$defs"][definition]
