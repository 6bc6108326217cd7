"""Self-contained HTML reports: a contract run (the verdict, then each check with its clause) and
`compare`'s drift (each probe and aspect, mock beside platform).

One file, inline CSS, no script and nothing fetched, so it can be attached to a CI run or mailed.
Every value is redacted before it is escaped (its control characters, then HTML), so a secret
cannot hide behind HTML escaping; the suite's own words (a check's title and clause) are escaped
only, never masked. Checks are listed failures first, by tier, as in the table.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime

from .drift import Difference
from .results import CheckResult, Summary, ordered
from .table import LABELS
from .text import printable

__all__ = ["render_drift_html", "render_html", "render_stopped_html"]

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
pre { white-space: pre-wrap; margin: .3rem 0 0; font-size: 12px; }
.passed { color: #176f2c; } .failed, .error { color: #b00020; } .warned { color: #8a5a00; }
.skipped { color: #555; } .verdict { font-size: 1.2rem; font-weight: 600; }
tr.differs { background: #fff4f4; }
"""


def _shown(text: str) -> str:
    """The suite's own words: escaped, never masked."""
    return html.escape(printable(text, lines=True))


def _row(result: CheckResult, clean: Callable[[str], str]) -> str:
    outcome = html.escape(result.outcome)
    detail = f"<pre>{clean(result.detail)}</pre>" if result.detail else ""
    name = f"<br><code>{_shown(result.name)}</code>" if result.name else ""
    return (
        f'<tr class="{outcome}"><td class="{outcome}">{LABELS.get(result.outcome, outcome)}</td>'
        f"<td>{_shown(result.level)}</td><td>{_shown(result.title)}{name}{detail}</td>"
        f"<td>{_shown(result.clause)}</td><td>{result.duration:.2f} s</td></tr>"
    )


def _page(title: str, target: str, verdict: str, passed: bool, head: tuple[str, ...], rows: str) -> str:
    """One page: `target` and `verdict` are redacted and escaped already, `rows` are escaped rows."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    heads = "".join(f"<th>{html.escape(name)}</th>" for name in head)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>authcontract: {html.escape(title.lower())}</title>
<style>{STYLE}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Target: {target}<br>Run: {when}</p>
<p class="verdict {"passed" if passed else "failed"}">{verdict}</p>
<table><thead><tr>{heads}</tr></thead>
<tbody>
{rows}
</tbody></table>
</body></html>
"""


def render_html(summary: Summary, redact: Callable[[str], str]) -> str:
    """The verdict, then each check (failures first, by tier), its id (the name `-k` selects) and clause."""

    def clean(text: str) -> str:
        return html.escape(printable(redact(text), lines=True))

    rows = "\n".join(_row(result, clean) for result in ordered(summary.results))
    head = ("Result", "Level", "Check", "Clause", "Time")
    return _page(
        "Contract checks", clean(summary.target), clean(summary.verdict()), summary.passed, head, rows
    )


def render_stopped_html(target: str, line: str, redact: Callable[[str], str]) -> str:
    """A `check` that stopped before any verdict (a settings mistake, no answer, Ctrl-C): its one line."""

    def clean(text: str) -> str:
        return html.escape(printable(redact(text), lines=True))

    head = ("Result", "Level", "Check", "Clause", "Time")
    return _page("Contract checks", clean(target), clean(line), False, head, "")


def render_drift_html(
    compared: list[Difference], target: str, verdict: str, redact: Callable[[str], str]
) -> str:
    """Every aspect of every probe, the differing ones marked; `verdict` is compare's last line."""

    def clean(text: str) -> str:
        return html.escape(printable(redact(text), lines=True))

    rows = []
    for item in compared:
        kind = "same" if item.same else f"{item.kind}: {item.why}" if item.why else str(item.kind)
        kind += f"; accepted: {item.accepted}" if item.accepted else ""
        level = "" if item.same else f"{item.severity}: {item.clause}"
        mark = "failed" if item.fails else "passed" if item.same else "warned"
        rows.append(
            f'<tr class="{"same" if item.same else "differs"}"><td>{clean(item.probe)}</td>'
            f"<td>{clean(item.fact)}</td><td>{clean(item.mock)}</td><td>{clean(item.platform)}</td>"
            f'<td class="{mark}">{clean(kind)}</td><td>{clean(level)}</td></tr>'
        )
    head = ("Probe", "Aspect", "Mock", "Platform", "Compared", "Level")
    passed = not any(item.fails for item in compared) and bool(compared)
    return _page("Mock and platform compared", clean(target), clean(verdict), passed, head, "\n".join(rows))
