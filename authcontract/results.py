"""What one check did, and what a run of them adds up to: the data behind the table, the HTML and the verdict.

The recorder fills CheckResults in the suite's process and writes them as JSON; the command reads
them back. Outcomes are the ones a QA reader needs: passed, failed, skipped (with the reason),
warned (a failed advisory check, reported as a warning) and error (the check could not run).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import pytest

__all__ = ["FAILING", "OUTCOMES", "CheckResult", "Summary", "clause_of", "outcome_of"]

OUTCOMES = ("passed", "failed", "error", "warned", "skipped")
FAILING = frozenset({"failed", "error"})
LEVELS = ("contract", "rfc", "advisory")
ADVISORY_PROPERTY = "advisory_failure"  # contract_tests.conftest: a failed advisory check kept as a warning


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


def clause_of(item: pytest.Item) -> tuple[str, str, str]:
    """(title, clause, level) from the test's docstring and marker, as contract_tests writes them."""
    doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
    lines = [line.strip() for line in doc.strip().splitlines()]
    title = lines[0] if lines and lines[0] else item.name
    start = next((i for i, line in enumerate(lines) if line.startswith("Clause:")), len(lines))
    end = next((i for i in range(start, len(lines)) if not lines[i]), len(lines))
    clause = " ".join(lines[start:end]).removeprefix("Clause:").strip()
    level = next((name for name in LEVELS if item.get_closest_marker(name)), "")
    return title, clause, level


def outcome_of(report: pytest.TestReport) -> tuple[str, str] | None:
    """The outcome a phase's report gives the check, with its explanation; None if the phase says nothing."""
    if report.skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        return "skipped", reason.removeprefix("Skipped: ")
    if report.failed:
        return ("failed" if report.when == "call" else "error"), str(report.longrepr)
    if report.when != "call":
        return None
    advisory = [str(value) for name, value in report.user_properties if name == ADVISORY_PROPERTY]
    return ("warned", advisory[0]) if advisory else ("passed", "")


@dataclass(frozen=True)
class Summary:
    target: str
    results: tuple[CheckResult, ...]
    exitstatus: int | None

    @property
    def counts(self) -> Counter[str]:
        return Counter(result.outcome for result in self.results)

    @property
    def ran(self) -> bool:
        """The suite ran to its end: it was not stopped by a bad setting or an unreachable target."""
        return self.exitstatus in (0, 1) and any(r.outcome in OUTCOMES for r in self.results)

    @property
    def passed(self) -> bool:
        return self.ran and not any(r.outcome in FAILING for r in self.results)

    def verdict(self) -> str:
        counts = self.counts
        tally = ", ".join(f"{counts[name]} {name}" for name in OUTCOMES if counts[name])
        if not self.ran:
            return f"NO VERDICT: the contract suite did not run to its end against {self.target}"
        failing = sum(counts[name] for name in FAILING)
        if failing:
            return f"FAIL: {failing} of {len(self.results)} checks failed against {self.target} ({tally})"
        return f"PASS: {self.target} keeps the contract ({tally})"
