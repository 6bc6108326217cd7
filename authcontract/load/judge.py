"""One answer under load, judged by the suite's own per-answer checks (contract_tests/checks.py).

Each function takes the exchange a load user just had and says which clauses it was judged on and
which it broke, with the check's own redacted message. An answer of 429, 502, 503 or 504 is no
verdict (contract_tests/transport.py's UNAVAILABLE): it is a target error and no clause sees it.
Any other 5xx is judged like any answer, and breaks the clause of its exchange.
Free of Locust and gevent: tested in-process on plain `requests` responses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import requests

from contract_tests import checks
from contract_tests.checks import Clause, ContractViolation, carries_token, json_body
from contract_tests.transport import UNAVAILABLE

from .clauses import clause

__all__ = [
    "Outcome",
    "accepted",
    "in_lifetime",
    "login",
    "malformed",
    "missing",
    "target_error",
    "unavailable",
    "unknown",
]

Check = tuple[str, Callable[[Clause], None]]


@dataclass(frozen=True)
class Outcome:
    """The clauses one answer was judged on, those it broke (with the redacted message), or a target error."""

    checked: tuple[str, ...] = ()
    violations: tuple[tuple[str, str], ...] = ()
    target_error: str | None = None


def unavailable(response: requests.Response) -> str | None:
    """'503 Service Unavailable' for an answer that is no verdict; None for one to judge."""
    if response.status_code not in UNAVAILABLE:
        return None
    return f"{response.status_code} {HTTPStatus(response.status_code).phrase}"


def target_error(kind: str) -> Outcome:
    return Outcome(target_error=kind)


def _judge(response: requests.Response, judged: list[Check]) -> Outcome:
    kind = unavailable(response)
    if kind is not None:
        return target_error(kind)
    violations = []
    for clause_id, check in judged:
        try:
            check(clause(clause_id))
        except ContractViolation as violation:
            violations.append((clause_id, str(violation)))
    return Outcome(tuple(clause_id for clause_id, _ in judged), tuple(violations))


def login(response: requests.Response) -> Outcome:
    """A login with the valid credentials: the token response, each field present against the schema,
    and, on an answer holding a token, `no-store` and `Pragma`.

    A missing field breaks `login_answers_json_token` alone: its schema check would only say so again.
    """
    body = json_body(response)
    judged: list[Check] = [("login_answers_json_token", lambda c: checks.expect_token_response(c, response))]
    if 200 <= response.status_code < 300 and isinstance(body, dict):
        for clause_id, name in (
            ("token_type_is_bearer", "token_type"),
            ("access_token_is_b64token", "access_token"),
            ("expires_in_is_positive_integer", "expires_in"),
        ):
            if name in body:
                judged.append((clause_id, _schema_of(body, name, response)))
    if carries_token(body):
        judged.append(("token_response_is_not_stored", lambda c: checks.expect_no_store(c, response)))
        judged.append(
            ("token_response_has_pragma_no_cache", lambda c: checks.expect_pragma_no_cache(c, response))
        )
    return _judge(response, judged)


def _schema_of(body: dict[str, Any], name: str, response: requests.Response) -> Callable[[Clause], None]:
    """The check that the token answer's field `name` has its schema's type."""
    return lambda clause: checks.expect_schema(clause, body, name, response)


def _protected(
    response: requests.Response,
    sent: str,
    clause_id: str,
    expectation: Callable[[Clause, requests.Response, str], None],
    *more: Check,
) -> Outcome:
    """An answer of the protected path: its own clause, then the Bearer challenge every refusal owes."""
    return _judge(
        response,
        [
            (clause_id, lambda c: expectation(c, response, sent)),
            (
                "every_refusal_has_a_bearer_challenge",
                lambda c: checks.expect_bearer_challenge(c, response, sent),
            ),
            *more,
        ],
    )


def accepted(response: requests.Response) -> Outcome:
    """The protected path with a token just issued: it opens at once (no replication lag)."""
    sent = "Authorization: Bearer <fresh token>"
    return _protected(response, sent, "fresh_token_is_accepted", checks.expect_accepted)


def in_lifetime(response: requests.Response) -> Outcome:
    """The protected path with a token well within its announced expires_in: still accepted."""
    sent = "Authorization: Bearer <token within its expires_in>"
    return _protected(response, sent, "token_lives_its_announced_lifetime", checks.expect_accepted)


def missing(response: requests.Response) -> Outcome:
    return _protected(
        response, "no Authorization header", "missing_authorization_is_refused", checks.expect_refused
    )


def unknown(response: requests.Response) -> Outcome:
    invalid_token = (
        "unknown_token_gets_invalid_token",
        lambda c: checks.expect_invalid_token_error(c, response),
    )
    sent = "a well-formed unknown token"
    return _protected(response, sent, "unknown_token_is_refused", checks.expect_refused, invalid_token)


def malformed(response: requests.Response, name: str) -> Outcome:
    sent = f"a malformed token ({name})"
    return _protected(response, sent, "malformed_token_is_refused", checks.expect_refused)
