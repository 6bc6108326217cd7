"""A self-contained HTML report of a contract run: the verdict, then the table of checks with their clauses.

One file, inline CSS, no script and nothing fetched, so it can be attached to a CI run or mailed.
Every value is redacted before it is escaped, so a secret cannot hide behind HTML escaping; the
suite's own words (a check's title and clause) are escaped only, never masked.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime

from .results import CheckResult, Summary
from .table import LABELS

__all__ = ["render_html"]

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
pre { white-space: pre-wrap; margin: .3rem 0 0; font-size: 12px; }
.passed { color: #176f2c; } .failed, .error { color: #b00020; } .warned { color: #8a5a00; }
.skipped { color: #555; } .verdict { font-size: 1.2rem; font-weight: 600; }
"""


def _row(result: CheckResult, clean: Callable[[str], str]) -> str:
    outcome = html.escape(result.outcome)
    detail = f"<pre>{clean(result.detail)}</pre>" if result.detail else ""
    return (
        f'<tr class="{outcome}"><td class="{outcome}">{LABELS.get(result.outcome, outcome)}</td>'
        f"<td>{html.escape(result.level)}</td><td>{html.escape(result.title)}{detail}</td>"
        f"<td>{html.escape(result.clause)}</td><td>{result.duration:.2f} s</td></tr>"
    )


def render_html(summary: Summary, redact: Callable[[str], str]) -> str:
    def clean(text: str) -> str:
        return html.escape(redact(text))

    verdict_class = "passed" if summary.passed else "failed"
    rows = "\n".join(_row(result, clean) for result in summary.results)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>authcontract: contract checks</title>
<style>{STYLE}</style></head><body>
<h1>Contract checks</h1>
<p>Target: {clean(summary.target)}<br>Run: {when}</p>
<p class="verdict {verdict_class}">{clean(summary.verdict())}</p>
<table><thead><tr><th>Result</th><th>Level</th><th>Check</th><th>Clause</th><th>Time</th></tr></thead>
<tbody>
{rows}
</tbody></table>
</body></html>
"""
