"""The conformance run sends a request once: a case that repeats one already judged is not sent again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contract_tests.client import ContractClient
from contract_tests.conformance import NEGATIVE_CHECKS, Conformance, build_schema
from contract_tests.plugin import MOCK_BUDGET, Target, open_target
from contract_tests.redaction import Secret
from contract_tests.settings import ContractSettings
from mockserver.testing import AuthMock


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with open_target(ContractSettings()) as opened:
        yield opened


@pytest.fixture
def run(target: Target) -> Iterator[Conformance]:
    AuthMock(target.base_url).reset()
    client = ContractClient(target.base_url, timeout=5)
    schema = build_schema(target, Secret("unused"))
    yield Conformance(schema[target.login.path]["POST"], client, MOCK_BUDGET)
    client.close()


def logins(target: Target) -> int:
    return len(AuthMock(target.base_url).calls().matching(target.login.path))


def test_the_same_case_twice_is_sent_once(target: Target, run: Conformance) -> None:
    body = {"username": "someone", "password": "not-theirs"}
    run.check(run.operation.Case(body=body))
    run.check(run.operation.Case(body=dict(body)))
    assert (run.calls, logins(target)) == (1, 1)


def test_another_body_or_other_checks_are_sent(target: Target, run: Conformance) -> None:
    run.check(run.operation.Case(body={"username": "someone", "password": "not-theirs"}))
    run.check(run.operation.Case(body={"username": "someone", "password": "not-theirs-either"}))
    run.check(run.operation.Case(body={"username": "someone", "password": "not-theirs"}), NEGATIVE_CHECKS)
    assert (run.calls, logins(target)) == (3, 3)
    assert not run.failures, run.actual()
