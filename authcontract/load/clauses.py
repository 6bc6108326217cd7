"""The clauses checked under load: the suite's own, read from its tests' docstrings and markers.

A clause under load is named by its suite test (`test_fresh_token_is_accepted` is
`fresh_token_is_accepted`), and its name, citation and tier come from that test through
`Clause.of`, exactly as the suite reads them: one wording, no copy to drift.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Any

from contract_tests.checks import Clause

from .violations import ClauseInfo

__all__ = ["CLAUSES", "clause", "info"]

# clause id -> the suite module whose test states it
CLAUSES = {
    "login_answers_json_token": "test_token_endpoint",
    "token_type_is_bearer": "test_token_endpoint",
    "access_token_is_b64token": "test_token_endpoint",
    "expires_in_is_positive_integer": "test_token_endpoint",
    "logins_give_distinct_tokens": "test_token_endpoint",
    "token_response_is_not_stored": "test_rfc",
    "token_response_has_pragma_no_cache": "test_advisory",
    "fresh_token_is_accepted": "test_bearer",
    "token_lives_its_announced_lifetime": "test_expiry",
    "missing_authorization_is_refused": "test_bearer",
    "unknown_token_is_refused": "test_bearer",
    "malformed_token_is_refused": "test_bearer",
    "every_refusal_has_a_bearer_challenge": "test_rfc",
    "unknown_token_gets_invalid_token": "test_advisory",
}


class _SuiteTest:
    """What `Clause.of` reads of a pytest item (its function and markers), for a test not collected."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.nodeid = f"{function.__module__}::{function.__name__}"
        module = importlib.import_module(function.__module__)
        marks = getattr(module, "pytestmark", [])
        self._marks = [*getattr(function, "pytestmark", []), *(marks if isinstance(marks, list) else [marks])]

    def get_closest_marker(self, name: str) -> Any:
        return next((mark for mark in self._marks if mark.name == name), None)


@cache
def clause(clause_id: str) -> Clause:
    module = importlib.import_module(f"contract_tests.{CLAUSES[clause_id]}")
    return Clause.of(_SuiteTest(getattr(module, f"test_{clause_id}")))  # type: ignore[arg-type]


def info(clause_id: str) -> ClauseInfo:
    found = clause(clause_id)
    return ClauseInfo(found.name, found.source, found.level)
