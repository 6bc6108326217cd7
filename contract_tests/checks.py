"""Named checks whose failures explain themselves: check, clause, expected, actual, the exchange.

A failing check raises ContractViolation, an AssertionError whose text is already redacted.
conftest.py shows that text alone, with no traceback and no local variables, so a token held in
a variable cannot reach the terminal or a junit report through pytest's own display.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from .challenges import cache_directives, challenge_params, challenge_schemes
from .redaction import keep, redact
from .schemas import schema_errors, token_response_schema

__all__ = [
    "MISSING",
    "AdvisoryWarning",
    "Clause",
    "ContractViolation",
    "carries_token",
    "describe",
    "expect",
    "expect_accepted",
    "expect_bearer_challenge",
    "expect_invalid_token_error",
    "expect_no_store",
    "expect_pragma_no_cache",
    "expect_refused",
    "expect_schema",
    "expect_token_response",
    "is_refusal",
    "json_body",
    "lacks_bearer_challenge",
    "media_type",
    "status_text",
]

BODY_LIMIT = 300
RELEVANT_HEADERS = ("Content-Type", "Cache-Control", "Pragma", "WWW-Authenticate", "Location", "Allow")
MARKERS = ("contract", "rfc", "advisory")
_SCHEME_SHOWN = len("Bearer")


class _Missing:
    def __repr__(self) -> str:
        return "<absent>"


MISSING: Any = _Missing()


class ContractViolation(AssertionError):
    """A check failed. The message is complete and redacted; nothing else is worth showing."""


@dataclass(frozen=True)
class Clause:
    """What a test enforces: its name, the sentence or section it cites, and its marker."""

    name: str
    source: str
    level: str

    @classmethod
    def of(cls, item: pytest.Item) -> Clause:
        """Read the clause from the test's docstring: first paragraph the name, `Clause:` the citation."""
        doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
        paragraphs = [" ".join(part.split()) for part in doc.strip().split("\n\n")]
        source = [part for part in paragraphs if part.startswith("Clause:")]
        levels = [name for name in MARKERS if item.get_closest_marker(name)]
        if not paragraphs[0] or not source or len(levels) != 1:
            raise pytest.UsageError(f"{item.nodeid} needs a docstring with a Clause: line and one marker")
        return cls(paragraphs[0], source[0].removeprefix("Clause:").strip(), levels[0])


def status_text(response: requests.Response) -> str:
    return f"{response.status_code} {response.reason or ''}".strip()


def media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def json_body(response: requests.Response) -> Any:
    """The parsed body, whatever the Content-Type says; MISSING when it is not JSON."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return MISSING


def carries_token(body: Any) -> bool:
    """Only a non-empty string is a token handed out; `"access_token": null` hands out nothing."""
    token = body.get("access_token") if isinstance(body, dict) else None
    return isinstance(token, str) and token != ""


def _masked_authorization(sent: str) -> str:
    """The scheme alone, `Bearer ***`; a value with no space (`Bearer<token>`): its first 6 characters."""
    scheme, space, _ = sent.strip().partition(" ")
    if space:
        return f"{scheme} ***"
    return scheme if len(scheme) <= _SCHEME_SHOWN else f"{scheme[:_SCHEME_SHOWN]}***"


def describe(response: requests.Response) -> str:
    """The exchange in a few redacted lines: request, status, relevant headers, truncated body."""
    request = response.request
    lines = [f"request:  {request.method} {request.url}"]
    sent = request.headers.get("Authorization")
    if sent is not None:
        lines.append(f"  Authorization: {_masked_authorization(sent)}")
    lines.append(f"response: {status_text(response)}")
    lines += [f"  {name}: {response.headers[name]}" for name in RELEVANT_HEADERS if name in response.headers]
    body = response.text
    if len(body) > BODY_LIMIT:
        body = f"{body[:BODY_LIMIT]}… ({len(body)} characters)"
    lines.append(f"  body: {body!r}" if body else "  body: (empty)")
    return "\n".join(lines)


def expect(
    clause: Clause,
    ok: bool,
    *,
    expected: str,
    actual: str,
    responses: Iterable[requests.Response] = (),
) -> None:
    """Raise a ContractViolation naming the check unless `ok`."""
    if ok:
        return
    keep(f"expected: {expected}")  # the suite's words: never masked, even where they spell a password
    parts = [
        f"[{clause.level}] {clause.name}",
        f"clause:   {clause.source}",
        f"expected: {expected}",
        f"actual:   {actual}",
        *(describe(response) for response in responses),
    ]
    raise ContractViolation(redact("\n".join(parts)))


def is_refusal(response: requests.Response) -> bool:
    """Refused: neither accepted (2xx, whatever its body says) nor a crash (5xx). Which status is advisory."""
    return not 200 <= response.status_code < 300 and response.status_code < 500


def expect_refused(clause: Clause, response: requests.Response, sent: str) -> None:
    """The protected path must refuse: any 4xx (or 3xx) will do; a 2xx carrying an error body is an
    acceptance all the same, and a 5xx is the platform failing, not refusing."""
    expect(
        clause,
        is_refusal(response),
        expected=f"{sent}: refused, neither a 2xx nor a 5xx (the status itself is an advisory check)",
        actual=status_text(response),
        responses=[response],
    )


def expect_schema(clause: Clause, body: Any, field: str, response: requests.Response) -> None:
    """Check one member of the token response against fixtures/schemas/token_response.json."""
    schema = token_response_schema()
    value = body.get(field, MISSING) if isinstance(body, dict) else MISSING
    rule = schema["properties"][field]
    errors = [] if value is MISSING else schema_errors(rule, value)
    expect(
        clause,
        value is not MISSING and not errors,
        expected=f"{field}: {rule.get('description', json.dumps(rule))}",
        actual=f"{field} = {value!r}" + (f" ({'; '.join(errors)})" if errors else ""),
        responses=[response],
    )


class AdvisoryWarning(UserWarning):
    """A failed advisory (SHOULD-level) check, shown in the warnings summary unless --advisory=fail."""


# Per-answer checks: one exchange in, a ContractViolation out when it breaks the clause. The suite's
# tests call them on their probes; `authcontract load` calls them on every answer under load.

TOKEN_FIELDS = ("token_type", "access_token", "expires_in")
JSON = "application/json"


def expect_token_response(clause: Clause, response: requests.Response) -> None:
    """A login answer: 2xx, Content-Type application/json (any charset), a JSON object with the token
    fields."""
    body = json_body(response)
    missing = [name for name in TOKEN_FIELDS if not isinstance(body, dict) or name not in body]
    expect(
        clause,
        200 <= response.status_code < 300 and media_type(response) == JSON and not missing,
        expected=f"2xx, Content-Type {JSON} (any charset), a JSON object with {', '.join(TOKEN_FIELDS)}",
        actual=f"{status_text(response)}, Content-Type {response.headers.get('Content-Type')!r}"
        + (f", body is not a JSON object with {', '.join(missing)}" if missing else ""),
        responses=[response],
    )


def expect_accepted(clause: Clause, response: requests.Response, sent: str) -> None:
    """The protected path opens: any 2xx, 204 included."""
    expect(
        clause,
        200 <= response.status_code < 300,
        expected=f"{sent}: any 2xx",
        actual=status_text(response),
        responses=[response],
    )


def expect_no_store(clause: Clause, response: requests.Response) -> None:
    """A token response carries `Cache-Control: no-store` (RFC 6749 §5.1)."""
    header = response.headers.get("Cache-Control", "")
    expect(
        clause,
        "no-store" in cache_directives(header),
        expected="Cache-Control with the no-store directive",
        actual=f"Cache-Control: {header!r}" if header else "no Cache-Control header",
        responses=[response],
    )


def expect_pragma_no_cache(clause: Clause, response: requests.Response) -> None:
    """A token response carries `Pragma: no-cache` (RFC 6749 §5.1, a SHOULD today)."""
    header = response.headers.get("Pragma", "")
    expect(
        clause,
        "no-cache" in cache_directives(header),
        expected="Pragma: no-cache",
        actual=f"Pragma: {header!r}" if header else "no Pragma header",
        responses=[response],
    )


def lacks_bearer_challenge(response: requests.Response) -> bool:
    """A refusal of the protected path, whatever its status, without a Bearer challenge (RFC 6750 §3)."""
    return is_refusal(response) and "bearer" not in challenge_schemes(
        response.headers.get("WWW-Authenticate", "")
    )


def challenge_text(response: requests.Response) -> str:
    header = response.headers.get("WWW-Authenticate")
    challenge = f"WWW-Authenticate: {header!r}" if header else "no WWW-Authenticate"
    return f"{status_text(response)}, {challenge}"


def expect_bearer_challenge(clause: Clause, response: requests.Response, sent: str) -> None:
    """A refusal of the protected path carries `WWW-Authenticate` with the Bearer scheme, whatever its
    status; a 2xx or a 5xx is judged by the contract clauses."""
    expect(
        clause,
        not lacks_bearer_challenge(response),
        expected=f"{sent}: a refusal with WWW-Authenticate: Bearer …, whatever its status",
        actual=challenge_text(response),
        responses=[response],
    )


def expect_invalid_token_error(clause: Clause, response: requests.Response) -> None:
    """A refused unknown token is answered with `error="invalid_token"` in the challenge."""
    header = response.headers.get("WWW-Authenticate", "")
    expect(
        clause,
        challenge_params(header).get("error") == "invalid_token",
        expected='WWW-Authenticate: Bearer …, error="invalid_token"',
        actual=f"{status_text(response)}, WWW-Authenticate: {header!r}",
        responses=[response],
    )
