"""Drive schemathesis against the target: generated requests, responses checked against the contract.

The suite drives Hypothesis itself rather than through schemathesis's pytest integration, so
that the budget (examples, invalid data or not) comes from the plugin at run time, shrinking is
off (on a live platform every replay is one more failed login), and each failure is kept as a
redacted message instead of a traceback holding the request. A TargetError (the client's verdict
that an exchange is no answer) stops the run's calls and is raised once the run is over: the
check then reports a target error, not a conformance failure. A case that repeats one already
judged (the same request, generated the same way, under the same checks) is not sent again: a
fifth of the token endpoint's cases and most of the protected path's are such repeats.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import checks as generic_checks
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi import checks as openapi_checks

from .checks import status_text
from .client import ContractClient, TargetError, authorization
from .openapi import contract_document
from .plugin import Budget, Target
from .redaction import Secret, redact

__all__ = ["CHECKS", "Conformance", "build_schema", "request_key"]

# Not ignored_auth: its probes (no token, an invalid token) go out on a session of schemathesis's
# own, outside the suite's retries, its rule for unavailable answers and its token registration,
# so a flaky target made it fail wrongly. The named checks test_missing_authorization_is_refused
# and test_unknown_token_is_refused send the same two probes through the suite's client.
CHECKS: list[Callable[..., Any]] = [
    generic_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]
NEGATIVE_CHECKS = [*CHECKS, openapi_checks.negative_data_rejection]
MAX_REPORTED = 3
BODY_SHOWN = 60


def summary(case: schemathesis.Case, exc: BaseException, response: requests.Response | None) -> str:
    """`POST /authorization answered 500 INTERNAL SERVER ERROR {"error": …}: Server error (ST101), …`."""
    failures = list(exc.exceptions) if isinstance(exc, BaseExceptionGroup) else [exc]
    named = sorted(  # by code: schemathesis reports a case's failures in no fixed order
        (failure.code, f"{failure.title} ({failure.code})")
        if isinstance(failure, Failure)
        else ("", f"{type(failure).__name__}: {str(failure).splitlines()[0] if str(failure) else ''}")
        for failure in failures
    )
    checks = ", ".join(text for _, text in named)
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    if response is None:
        return redact(f"{operation}: {checks}")
    body = " ".join(redact(response.text).split())  # masked before it is cut: no token half shown
    shown = f" {_cut(body)}" if body else ""
    return redact(f"{operation} answered {status_text(response)}{shown}: {checks}")


def _cut(body: str) -> str:
    """The body's first BODY_SHOWN characters, never ending inside a JSON string: an unclosed quote
    would make the redaction of the whole message mask everything up to the next quote."""
    if len(body) <= BODY_SHOWN:
        return body
    shown = body[:BODY_SHOWN]
    quotes = [match.start() for match in re.finditer(r'(?<!\\)"', shown)]
    if len(quotes) % 2:
        shown = shown[: quotes[-1]].rstrip()
    return shown + "…"


def failure_text(exc: BaseException) -> str:
    """schemathesis's report of a failing case, whole: a group's own message without Python's
    `(1 sub-exception)` count."""
    return exc.message if isinstance(exc, BaseExceptionGroup) else str(exc)


def request_key(case: schemathesis.Case, checks: list[Callable[..., Any]]) -> str:
    """What decides a case's verdict: the request, how it was generated (a negative case is judged
    on what was made invalid) and the checks; not when it was generated."""
    meta = case._meta
    how = (meta.generation.mode, meta.components, meta.phase) if meta is not None else None
    request = (case.method, case.path, case.path_parameters, case.query, case.cookies, case.media_type)
    return repr((request, dict(case.headers or {}), case.body, how, [check.__name__ for check in checks]))


def build_schema(target: Target, token: Secret) -> schemathesis.BaseSchema:
    """The contract for this target, with an auth hook that hands every case the suite's real token."""
    settings = target.settings
    document = contract_document(
        token_path=target.login.path,
        protected_path=target.protected_path,
        credentials_in=settings.credentials_in,
        token_params=settings.token_params,
    )
    schema = schemathesis.openapi.from_dict(document, config=schemathesis.Config())

    class SuiteToken:
        def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> Secret:
            return token

        def set(self, case: schemathesis.Case, data: Secret, ctx: schemathesis.AuthContext) -> None:
            case.headers["Authorization"] = authorization(data)

    register = schema.auth.auth(refresh_interval=None)
    register.apply_to(method="GET", path=target.protected_path)(SuiteToken)
    return schema


@dataclass
class Conformance:
    """Runs cases of one operation and collects redacted failures."""

    operation: schemathesis.APIOperation
    client: ContractClient
    budget: Budget
    calls: int = 0
    failures: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)  # one line per failing case, for the table
    target_error: TargetError | None = None
    judged: set[str] = field(default_factory=set)  # request_key of every case sent

    def check(self, case: schemathesis.Case, checks: list[Callable[..., Any]] = CHECKS) -> None:
        key = request_key(case, checks)
        if self.target_error is not None or key in self.judged:
            return
        self.judged.add(key)
        self.calls += 1
        answers: list[requests.Response] = []

        def remember(response: requests.Response, *_args: Any, **_kwargs: Any) -> requests.Response:
            answers.append(response)
            return response

        hooks = self.client.session.hooks["response"]
        hooks.append(remember)
        try:
            case.call_and_validate(
                base_url=self.client.base_url,
                session=self.client.session,
                timeout=self.client.timeout,
                verify=self.client.verify,  # per request, as the suite's own calls
                allow_redirects=False,
                checks=checks,
            )
        except TargetError as exc:
            self.target_error = exc
        except (AssertionError, BaseExceptionGroup, requests.RequestException) as exc:
            self.failures.append(redact(failure_text(exc)))
            self.summaries.append(summary(case, exc, answers[-1] if answers else None))
        finally:
            hooks.remove(remember)

    def run_generated(self) -> None:
        """Generated cases of every mode the budget allows; raises the TargetError that stopped them."""
        modes = [(schemathesis.GenerationMode.POSITIVE, CHECKS)]
        if self.budget.negative:
            modes.append((schemathesis.GenerationMode.NEGATIVE, NEGATIVE_CHECKS))
        for mode, checks in modes:
            if self.target_error is None:
                self._run(mode, checks)
        if self.target_error is not None:
            raise self.target_error

    def _run(self, mode: schemathesis.GenerationMode, checks: list[Callable[..., Any]]) -> None:
        @hypothesis.settings(
            max_examples=self.budget.examples,
            phases=[Phase.generate],  # no replay of a database, no shrinking: a bounded number of calls
            database=None,
            derandomize=True,
            deadline=None,
            print_blob=False,
            suppress_health_check=list(HealthCheck),
            verbosity=hypothesis.Verbosity.quiet,
        )
        @hypothesis.given(case=self.operation.as_strategy(generation_mode=mode))
        def run(case: schemathesis.Case) -> None:
            self.check(case, checks)

        run()

    def actual(self) -> str:
        """For the check's `actual:` line: how many failed, each failing case in one line (the
        operation, the checks it failed, the answer), then schemathesis's own reports."""
        distinct = Counter(self.summaries)  # in order of first failure
        shown = [line + (f" ({count} times)" if count > 1 else "") for line, count in distinct.items()]
        head = f"{len(self.failures)} of {self.calls} requests did not: " + "; ".join(shown[:MAX_REPORTED])
        return f"{head}\n{self.report()}" if self.failures else head

    def report(self) -> str:
        shown = "\n\n".join(self.failures[:MAX_REPORTED])
        more = len(self.failures) - MAX_REPORTED
        return shown + (f"\n\n… and {more} more failing cases" if more > 0 else "")
