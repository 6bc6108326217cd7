"""The table of checks a person reads in a terminal or a CI log: one row per check, and why for the others.

Plain text, fixed columns, no colour: CI logs keep it as it is, and it can be pasted into an issue.
Failures come first, by tier (contract, rfc, advisory), then what got no verdict, warnings, skips
and passes. Titles are wrapped to the terminal's width, never cut (the files hold them in full too),
and each ends with the check's id in brackets: the name `check -k` selects. A target that went away
mid-run is one line counting the checks it left without a verdict, not one block per check.
Everything the platform wrote is shown with its control characters escaped (text.py).
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable

from .results import CheckResult, Summary, ordered
from .text import printable

__all__ = ["LABELS", "render_table", "terminal_width", "why"]

LABELS = {
    "passed": "PASS",
    "failed": "FAIL",
    "error": "ERROR",
    "warned": "WARN",
    "skipped": "SKIP",
    "inconclusive": "N/V",
    "not run": "-",
}
LEFT = 18  # RESULT and LEVEL with their gaps: where the CHECK column starts
MIN_TITLE = 30
FALLBACK_WIDTH = 120  # columns when the output is no terminal (a CI log, a pipe)
WHY_LINES = 4
GONE = "the target is unreachable"  # a TargetUnreachable's words (contract_tests/transport.py)


def _same(text: str) -> str:
    return text


def terminal_width() -> int:
    """The terminal's columns (COLUMNS first), or FALLBACK_WIDTH when there is no terminal."""
    return shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns


def why(result: CheckResult, redact: Callable[[str], str] = _same, width: int = 96) -> list[str]:
    """The lines that explain a check that did not simply pass: expected and actual, or the reason;
    at most WHY_LINES of `width` columns (the files keep the whole message), a skip's reason whole."""
    if result.outcome == "passed" or not result.detail:
        return []
    detail = printable(redact(result.detail), lines=True)
    lines = [line.strip() for line in detail.split("\n") if line.strip()]
    chosen = [line for line in lines if line.startswith(("expected:", "actual:"))] or lines[:1]
    wrapped = [part for line in chosen for part in textwrap.wrap(line, width) or [""]]
    if result.outcome == "skipped":  # the reason names the setting that would run it: always whole
        return wrapped
    return wrapped[:WHY_LINES] + (["…"] if len(wrapped) > WHY_LINES else [])


def _gone(result: CheckResult) -> bool:
    return result.outcome == "inconclusive" and GONE in result.detail


def _rows(
    result: CheckResult, title_width: int, reference_width: int, redact: Callable[[str], str]
) -> list[str]:
    label = LABELS.get(result.outcome, result.outcome.upper())
    text = printable(f"{result.title}  [{result.name}]" if result.name else result.title)
    parts = textwrap.wrap(text, title_width, break_long_words=False, break_on_hyphens=False) or [""]
    first = f"{label:<6}  {result.level:<8}  {parts[0]:<{title_width}}  {printable(result.reference)}"
    rows = [first.rstrip(), *(f"{'':<{LEFT}}{part}" for part in parts[1:])]
    explained = why(result, redact, max(40, title_width + reference_width))
    return rows + [f"{'':<{LEFT}}{'└' if i == 0 else ' '} {line}" for i, line in enumerate(explained)]


def render_table(summary: Summary, redact: Callable[[str], str] = _same, width: int | None = None) -> str:
    """The table for a terminal `width` columns wide (default: this one's); `redact` masks the values
    (target, reasons, verdict), never the suite's titles."""
    width = width or terminal_width()
    shown = ordered(summary.results)
    gone = [result for result in shown if _gone(result)]
    if len(gone) > 1:  # the target went away: one line for all of them, not a block per check
        shown = [result for result in shown if not _gone(result)]
    reference_width = max((len(result.reference) for result in shown), default=6)
    title_width = max(MIN_TITLE, width - LEFT - 2 - reference_width)
    header = f"{'RESULT':<6}  {'LEVEL':<8}  {'CHECK  [id, for -k]':<{title_width}}  CLAUSE"
    rows = [printable(redact(f"contract checks against {summary.target}")), "", header, "-" * len(header)]
    for result in shown:
        rows += _rows(result, title_width, reference_width, redact)
    if len(gone) > 1:
        first = why(gone[0], redact, 10_000)[0].removeprefix("target error: ")
        rows.append(f"{'N/V':<6}  {'':<8}  {len(gone)} checks could not run: the target went away ({first})")
    if summary.counts["inconclusive"]:
        rows += [
            "",
            "N/V: no verdict, the target failed or answered 429, 502, 503 or 504 (see `target error:`)",
        ]
    return "\n".join([*rows, "", printable(redact(summary.verdict()))])
