"""What one check did, and what a run of them adds up to: the data behind the table, the HTML and the verdict.

The recorder fills CheckResults in the suite's process and writes them as JSON; the command reads
them back. Outcomes are the ones a QA reader needs: passed, failed, skipped (with the reason),
warned (a failed advisory check, reported as a warning), error (the check broke before it could
judge) and inconclusive (the target failed or was unavailable: no verdict on the clause).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import pytest

__all__ = [
    "FAILING",
    "OUTCOMES",
    "CheckResult",
    "Summary",
    "clause_of",
    "keep_suite_text",
    "ordered",
    "outcome_of",
]

OUTCOMES = ("passed", "failed", "error", "inconclusive", "warned", "skipped")
FAILING = frozenset({"failed", "error"})
LEVELS = ("contract", "rfc", "advisory")
# report properties the contract suite sets (contract_tests/conftest.py)
ADVISORY_PROPERTY = "advisory_failure"  # a failed advisory check, kept as a warning
TARGET_ERROR_PROPERTY = "target_error"  # the target failed or answered 429/502/503/504: no verdict


@dataclass
class CheckResult:
    nodeid: str
    name: str
    title: str
    clause: str
    level: str
    outcome: str = "not run"
    detail: str = ""
    duration: float = 0.0

    @classmethod
    def for_item(cls, nodeid: str, name: str, title: str, clause: str, level: str) -> CheckResult:
        return cls(nodeid, name, title, clause, level)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})

    def record(self, outcome: str, detail: str, duration: float) -> None:
        """Keep the worst of the phases: a teardown error after a pass is an error."""
        self.duration += duration
        if self.outcome in FAILING and outcome not in FAILING:
            return
        self.outcome, self.detail = outcome, detail

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def reference(self) -> str:
        """The clause's source in a few words: `RFC 6749 §5.1`, `platform docs`."""
        head = re.split(r"[:,]", self.clause, maxsplit=1)[0].strip()
        return head if len(head) <= 40 else head[:39] + "…"


# the order a reader scans: what broke first, by tier, then what could not be judged, then the rest
RANKS = {"failed": 0, "error": 0, "inconclusive": 1, "warned": 2, "not run": 3, "skipped": 4, "passed": 5}


def ordered(results: tuple[CheckResult, ...]) -> list[CheckResult]:
    """Failures first, by tier (contract, rfc, advisory), then no verdict, warnings, skips, passes;
    the suite's order within each group."""

    def rank(result: CheckResult) -> tuple[int, int]:
        tier = LEVELS.index(result.level) if result.level in LEVELS else len(LEVELS)
        return RANKS.get(result.outcome, 0), tier

    return sorted(results, key=rank)


def clause_of(item: pytest.Item) -> tuple[str, str, str]:
    """(title, clause, level) from the test's docstring and marker, as contract_tests writes them: the
    title is the docstring's first paragraph, whole, however many lines it takes."""
    doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
    lines = [line.strip() for line in doc.strip().splitlines()]
    first = next((i for i, line in enumerate(lines) if not line), len(lines))
    title = " ".join(lines[:first]) or item.name  # the whole first paragraph: a title is never cut
    start = next((i for i, line in enumerate(lines) if line.startswith("Clause:")), len(lines))
    end = next((i for i in range(start, len(lines)) if not lines[i]), len(lines))
    clause = " ".join(lines[start:end]).removeprefix("Clause:").strip()
    level = next((name for name in LEVELS if item.get_closest_marker(name)), "")
    return title, clause, level


def keep_suite_text(summary: Summary) -> None:
    """The suite's own words in a summary (titles, clauses, expectations): never masked by `redact`."""
    from contract_tests.redaction import keep

    for result in summary.results:
        for text in (result.title, result.clause, result.nodeid, result.name):
            keep(text)
        for line in result.detail.splitlines():
            if line.startswith(("expected:", "[")):
                keep(line)


def outcome_of(report: pytest.TestReport) -> tuple[str, str] | None:
    """The outcome a phase's report gives the check, with its explanation; None if the phase says nothing."""
    if report.skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        return "skipped", reason.removeprefix("Skipped: ")
    if report.failed:
        if any(name == TARGET_ERROR_PROPERTY for name, _ in report.user_properties):
            return "inconclusive", str(report.longrepr)
        return ("failed" if report.when == "call" else "error"), str(report.longrepr)
    if report.when != "call":
        return None
    advisory = [str(value) for name, value in report.user_properties if name == ADVISORY_PROPERTY]
    return ("warned", advisory[0]) if advisory else ("passed", "")


@dataclass(frozen=True)
class Summary:
    target: str
    results: tuple[CheckResult, ...]
    stopped: str = ""  # why the suite stopped before its end (a settings mistake, Ctrl-C), in one line

    @property
    def counts(self) -> Counter[str]:
        return Counter(result.outcome for result in self.results)

    @property
    def complete(self) -> bool:
        """Every check ran: the suite was not stopped by a bad setting or an unreachable target."""
        return bool(self.results) and all(result.outcome in OUTCOMES for result in self.results)

    @property
    def status(self) -> str:
        """pass, fail, or none (no verdict). A contract failure stands even in an incomplete run."""
        counts = self.counts
        if any(counts[name] for name in FAILING):
            return "fail"
        if not self.complete or counts["inconclusive"] or not (counts["passed"] or counts["warned"]):
            return "none"  # nothing verified (every check skipped) is no pass either
        return "pass"

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def verdict(self) -> str:
        counts, total, target = self.counts, len(self.results), self.target
        tally = ", ".join(f"{counts[name]} {name}" for name in OUTCOMES if counts[name])
        if self.status == "fail":
            failing = sum(counts[name] for name in FAILING)
            return f"FAIL: {failing} of {total} checks failed against {target} ({tally})"
        if not self.complete:
            return f"NO VERDICT: the contract suite did not run to its end against {target}"
        if self.status == "none" and not counts["inconclusive"]:
            return f"NO VERDICT: no check ran to a verdict against {target} ({tally}; see why skipped)"
        if self.status == "none":
            unjudged = f"{counts['inconclusive']} of {total} checks met a target error against {target}"
            return f"NO VERDICT: {unjudged}, rerun when it is healthy ({tally})"
        if counts["skipped"]:  # a skipped clause was not verified: the verdict says so
            return f"PASS: {target} keeps the contract in every check that ran ({tally}; see why skipped)"
        return f"PASS: {target} keeps the contract ({tally})"
