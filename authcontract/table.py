"""The table of checks a person reads in a terminal or a CI log: one line per check, and why for the others.

Plain text, fixed columns, no colour: CI logs keep it as it is, and it can be pasted into an issue.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from .results import CheckResult, Summary

__all__ = ["LABELS", "render_table", "why"]

LABELS = {
    "passed": "PASS",
    "failed": "FAIL",
    "error": "ERROR",
    "warned": "WARN",
    "skipped": "SKIP",
    "inconclusive": "N/V",
    "not run": "-",
}
TITLE_WIDTH = 60
WHY_WIDTH = 96
WHY_LINES = 4


def _same(text: str) -> str:
    return text


def why(result: CheckResult, redact: Callable[[str], str] = _same) -> list[str]:
    """The lines that explain a check that did not simply pass: expected and actual, or the reason."""
    if result.outcome == "passed" or not result.detail:
        return []
    lines = [line.strip() for line in redact(result.detail).splitlines() if line.strip()]
    chosen = [line for line in lines if line.startswith(("expected:", "actual:"))] or lines[:1]
    wrapped = [part for line in chosen for part in textwrap.wrap(line, WHY_WIDTH) or [""]]
    return wrapped[:WHY_LINES] + (["…"] if len(wrapped) > WHY_LINES else [])


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(summary: Summary, redact: Callable[[str], str] = _same) -> str:
    """The table; `redact` masks the values (target, reasons, verdict), never the suite's titles."""
    header = f"{'RESULT':<6}  {'LEVEL':<8}  {'CHECK':<{TITLE_WIDTH}}  CLAUSE"
    rows = [redact(f"contract checks against {summary.target}"), "", header, "-" * len(header)]
    for result in summary.results:
        label = LABELS.get(result.outcome, result.outcome.upper())
        title = _cell(result.title, TITLE_WIDTH)
        rows.append(f"{label:<6}  {result.level:<8}  {title:<{TITLE_WIDTH}}  {result.reference}".rstrip())
        rows += [
            f"{'':<6}  {'':<8}  {'└' if i == 0 else ' '} {line}" for i, line in enumerate(why(result, redact))
        ]
    if summary.counts["inconclusive"]:
        rows += [
            "",
            "N/V: no verdict, the target failed or answered 429, 502, 503 or 504 (see `target error:`)",
        ]
    return "\n".join([*rows, "", redact(summary.verdict())])
