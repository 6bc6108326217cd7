"""Conformance of the target's answers to the OpenAPI description of the public contract.

fixtures/contract-openapi.yaml, adapted to the target, drives schemathesis: generated requests to
the token endpoint and the protected path (with the suite's real token, from an auth hook), every
answer checked for status, content type, headers and body schema. The budget comes from the
plugin: a few examples against a live platform, so that a QA run never locks an account; the
full run, invalid data included, against the bundled mock.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from .checks import Clause, expect
from .client import ContractClient
from .conformance import Conformance, build_schema
from .plugin import Target
from .redaction import Secret

pytestmark = pytest.mark.contract


# The protected path takes no input: past a few examples, schemathesis repeats the same request.
PROTECTED_EXAMPLES = 10


def _conformance(
    target: Target, client: ContractClient, token: Secret, method: str, path: str
) -> Conformance:
    schema = build_schema(target, token)
    return Conformance(schema[path][method], client, target.budget)


def test_token_endpoint_conforms(
    clause: Clause, contract_target: Target, contract_client: ContractClient, token: Secret
) -> None:
    """The token endpoint answers as the OpenAPI contract describes, to valid and generated credentials.

    Clause: platform docs, as fixtures/contract-openapi.yaml writes them down: "you must provide the
    username and password" in a POST to the token path, whose answer is "a JSON body which includes your
    access token": 2XX a token response (fixtures/schemas/token_response.json), 4XX for refused
    credentials, never anything else.
    """
    login = contract_target.login
    run = _conformance(contract_target, contract_client, token, "POST", login.path)
    fields: dict[str, Any] = {  # JSON for the Case, whose body type is invariant in its values
        **dict(login.params),
        "username": login.username.reveal(),
        "password": login.password.reveal(),
    }
    if contract_target.settings.credentials_in == "query":
        run.check(run.operation.Case(query=fields))
    else:
        run.check(run.operation.Case(body=fields))
    run.run_generated()
    expect(
        clause,
        not run.failures,
        expected=f"{run.calls} requests answered as the contract describes",
        actual=run.actual(),
    )


def test_protected_path_conforms(
    clause: Clause, contract_target: Target, contract_client: ContractClient, token: Secret
) -> None:
    """The protected path answers as the OpenAPI contract describes, to the token.

    Clause: platform docs, as fixtures/contract-openapi.yaml writes them down: "You must include your
    token in the call's HTTP authorization header as a bearer credential": 2XX to the token (refusals
    are checked by test_missing_authorization_is_refused, test_unknown_token_is_refused and the rest).
    """
    run = _conformance(contract_target, contract_client, token, "GET", contract_target.protected_path)
    run.budget = replace(run.budget, examples=min(run.budget.examples, PROTECTED_EXAMPLES))
    run.run_generated()
    expect(
        clause,
        not run.failures,
        expected=f"{run.calls} requests answered as the contract describes",
        actual=run.actual(),
    )
