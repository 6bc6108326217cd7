"""Violations as data: counted by clause, a few redacted examples each, target errors apart, tokens by hash.

Pure and free of Locust and gevent, so the model is unit-tested in-process. Each Locust process
records into its own ViolationLog; a worker `drain()`s what is new into a plain dict (msgpack-able,
for Locust's worker-to-master messages) and the master `merge()`s it. Token uniqueness is decided by
one TokenLedger on the master (or the single local process), from fingerprints: a keyless hash of
each issued token, never the token.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from contract_tests.exits import Exit

__all__ = [
    "BREAKING_TIERS",
    "EXAMPLES_PER_CLAUSE",
    "EXIT_BROKEN",
    "EXIT_KEPT",
    "EXIT_NO_VERDICT",
    "ClauseInfo",
    "Duplicate",
    "TokenLedger",
    "ViolationLog",
    "fingerprint",
    "iso",
    "verdict",
]

EXAMPLES_PER_CLAUSE = 3
BREAKING_TIERS = ("contract", "rfc")  # advisory (SHOULD) violations are reported, never fail the run
EXIT_KEPT, EXIT_BROKEN, EXIT_NO_VERDICT = int(Exit.KEPT), int(Exit.BROKEN), int(Exit.NO_VERDICT)
FINGERPRINT_CHARACTERS = 32  # 128 bits of SHA-256: no collision among any number of tokens a run issues


def fingerprint(token: str) -> str:
    """What leaves a Locust process about a token: a hash that tells two tokens apart and shows neither."""
    return hashlib.sha256(token.encode()).hexdigest()[:FINGERPRINT_CHARACTERS]


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class ClauseInfo:
    """What the summary shows of a clause: the suite's name, citation and tier (contract, rfc, advisory)."""

    name: str
    source: str
    tier: str


@dataclass
class _Tally:
    checked: int = 0
    violations: int = 0
    first_at: float | None = None
    last_at: float | None = None
    examples: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: Mapping[str, Any]) -> None:
        self.checked += other["checked"]
        self.violations += other["violations"]
        for name, pick in (("first_at", min), ("last_at", max)):
            theirs, mine = other[name], getattr(self, name)
            if theirs is not None:
                setattr(self, name, theirs if mine is None else pick(mine, theirs))
        # the earliest examples, whoever saw them
        self.examples = sorted([*self.examples, *other["examples"]], key=lambda example: example["at"])[
            :EXAMPLES_PER_CLAUSE
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "violations": self.violations,
            "first_at": self.first_at,
            "last_at": self.last_at,
            "examples": list(self.examples),
        }


class ViolationLog:
    """Answers judged, violations and target errors, by clause; what is new since the last drain().

    Examples are already redacted when they arrive here: they come from the check's own redacted
    message, masked again with the exchange's token by the one who saw it. Each process keeps at
    most EXAMPLES_PER_CLAUSE per clause over the whole run, so a long run does not grow.
    """

    def __init__(self, origin: str = "local") -> None:
        self.origin = origin
        self._total: dict[str, _Tally] = {}
        self._new: dict[str, _Tally] = {}
        self._examples_taken: Counter[str] = Counter()
        self._target_errors: Counter[str] = Counter()
        self._new_target_errors: Counter[str] = Counter()

    def wants_example(self, clause: str) -> bool:
        """Whether a violation of this clause would still be kept as an example (the caller may then
        spend the time to redact one)."""
        return self._examples_taken[clause] < EXAMPLES_PER_CLAUSE

    def checked(self, clause: str) -> None:
        for tallies in (self._total, self._new):
            tallies.setdefault(clause, _Tally()).checked += 1

    def violated(self, clause: str, at: float, detail: str | None) -> None:
        """A violation of a clause already counted as checked; `detail` is a redacted example or None."""
        example = None
        if detail is not None and self.wants_example(clause):
            self._examples_taken[clause] += 1
            example = {"at": at, "origin": self.origin, "detail": detail}
        for tallies in (self._total, self._new):
            tally = tallies.setdefault(clause, _Tally())
            tally.violations += 1
            tally.first_at = at if tally.first_at is None else min(tally.first_at, at)
            tally.last_at = at if tally.last_at is None else max(tally.last_at, at)
            if example is not None:
                tally.examples.append(example)

    def target_error(self, kind: str) -> None:
        """An exchange that is no verdict (429, 502, 503, 504, a transport error): counted, never judged."""
        self._target_errors[kind] += 1
        self._new_target_errors[kind] += 1

    def drain(self) -> dict[str, Any]:
        """What is new since the last drain, as plain data; merge() of every drain gives the total."""
        delta = {
            "clauses": {clause: tally.as_dict() for clause, tally in self._new.items()},
            "target_errors": dict(self._new_target_errors),
        }
        self._new = {}
        self._new_target_errors = Counter()
        return delta

    def merge(self, delta: Mapping[str, Any]) -> None:
        for clause, tally in delta.get("clauses", {}).items():
            self._total.setdefault(clause, _Tally()).add(tally)
        self._target_errors.update(delta.get("target_errors", {}))

    def clauses(self) -> dict[str, dict[str, Any]]:
        return {clause: tally.as_dict() for clause, tally in self._total.items()}

    def target_errors(self) -> dict[str, int]:
        return dict(self._target_errors)


@dataclass(frozen=True)
class Duplicate:
    """A token issued again: the fingerprint's prefix and every (origin, time) it was issued at so far."""

    prefix: str
    issues: tuple[tuple[str, float], ...]

    def describe(self) -> str:
        where = "; ".join(f"{iso(at)} on {origin}" for origin, at in self.issues)
        origins = len({origin for origin, _ in self.issues})
        across = f"across {origins} Locust processes" if origins > 1 else "within one Locust process"
        return (
            f"the same access_token was issued {len(self.issues)} times, {across}: {where} "
            f"(SHA-256 prefix {self.prefix}; the token itself is never sent to the master nor shown)"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "fingerprint_prefix": self.prefix,
            "issues": [{"origin": origin, "at": at} for origin, at in self.issues],
        }


class TokenLedger:
    """Every token fingerprint a run saw, from every process: the one place uniqueness is decided."""

    def __init__(self) -> None:
        self._seen: dict[str, list[tuple[str, float]]] = {}
        self.issued = 0
        self.duplicates: list[Duplicate] = []

    def add(self, token_fingerprint: str, origin: str, at: float) -> Duplicate | None:
        """Record one issue; a Duplicate when this fingerprint was seen before (at any origin)."""
        self.issued += 1
        issues = self._seen.setdefault(token_fingerprint, [])
        issues.append((origin, at))
        if len(issues) == 1:
            return None
        duplicate = Duplicate(token_fingerprint[:12], tuple(sorted(issues, key=lambda issue: issue[1])))
        self.duplicates.append(duplicate)
        return duplicate

    def add_all(self, fingerprints: Iterable[tuple[str, float]], origin: str) -> list[Duplicate]:
        found = [self.add(fp, origin, at) for fp, at in fingerprints]
        return [duplicate for duplicate in found if duplicate is not None]

    @property
    def distinct(self) -> int:
        return len(self._seen)


def verdict(clauses: Mapping[str, Mapping[str, Any]], tiers: Mapping[str, ClauseInfo]) -> tuple[str, int]:
    """('kept', 0), ('broken', 1) when a contract or rfc clause was violated, ('no verdict', 2) when no
    answer was judged at all (every exchange a target error, or none sent)."""
    if not any(tally["checked"] for tally in clauses.values()):
        return "no verdict", EXIT_NO_VERDICT
    broken = any(
        tally["violations"] and tiers[clause].tier in BREAKING_TIERS for clause, tally in clauses.items()
    )
    return ("broken", EXIT_BROKEN) if broken else ("kept", EXIT_KEPT)
