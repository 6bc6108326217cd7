"""The run's summary as data, and what is shown of it: terminal lines, a JUnit file with a test per clause.

The summary is written by the Locust master (or the single local process) as JSON; `authcontract
load` reads it, prints it and writes the JUnit file. Everything in it is redacted at the source
(examples are masked where the token was known); `redact` is applied again on the way in, to each
string value of the parsed summary (`read_summary`), never to its serialised text: a password that
spells one of the summary's own words (`checked`, `requests`, `true`) masks values, not its structure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from .clauses import CLAUSES, info
from .violations import BREAKING_TIERS, TokenLedger, iso, verdict

__all__ = ["build_summary", "junit_xml", "read_summary", "redact_values", "render_text"]

TIER_ORDER = {"contract": 0, "rfc": 1, "advisory": 2}


def build_summary(
    *,
    target: str,
    clauses: Mapping[str, Mapping[str, Any]],
    target_errors: Mapping[str, int],
    ledger: TokenLedger,
    traffic: Mapping[str, Any],
    endpoints: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Every clause of the catalogue appears, checked or not: a clause never exercised says so."""
    infos = {clause_id: info(clause_id) for clause_id in CLAUSES}
    empty: dict[str, Any] = {"checked": 0, "violations": 0, "first_at": None, "last_at": None, "examples": []}
    rows = []
    for clause_id, about in sorted(infos.items(), key=lambda item: (TIER_ORDER[item[1].tier], item[0])):
        tally = {**empty, **clauses.get(clause_id, {})}
        rows.append(
            {"id": clause_id, "name": about.name, "source": about.source, "tier": about.tier, **tally}
        )
    outcome, exit_code = verdict({row["id"]: row for row in rows}, infos)
    by_tier = {tier: sum(row["violations"] for row in rows if row["tier"] == tier) for tier in TIER_ORDER}
    return {
        "target": target,
        "requests": dict(traffic),
        "endpoints": [dict(endpoint) for endpoint in endpoints],
        "clauses": rows,
        "violations": by_tier,
        "target_errors": dict(target_errors),
        "tokens": {
            "issued": ledger.issued,
            "distinct": ledger.distinct,
            "duplicates": [duplicate.as_dict() for duplicate in ledger.duplicates[:10]],
        },
        "verdict": outcome,
        "exit_code": exit_code,
    }


def read_summary(path: Path, redact: Callable[[str], str]) -> dict[str, Any]:
    """The summary the Locust master wrote, every string value redacted, its keys and numbers kept."""
    return redact_values(json.loads(path.read_text(encoding="utf-8")), redact)


def redact_values(value: Any, redact: Callable[[str], str]) -> Any:
    """A copy with each string value redacted; keys are the report's own words and stay as they are."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_values(inner, redact) for key, inner in value.items()}
    if isinstance(value, list):
        return [redact_values(inner, redact) for inner in value]
    return value


def _ms(value: Any) -> str:
    return "-" if value is None else f"{value:.0f}"


def render_text(summary: Mapping[str, Any]) -> str:
    """requests/s and latency, target errors apart, then every clause with its violations, and the verdict."""
    traffic = summary["requests"]
    lines = [
        f"target: {summary['target']}",
        f"requests: {traffic.get('count', 0)} in {traffic.get('duration_s', 0):.1f} s, "
        f"{traffic.get('rps', 0):.1f} requests/s; latency ms: p50 {_ms(traffic.get('p50_ms'))}, "
        f"p95 {_ms(traffic.get('p95_ms'))}, p99 {_ms(traffic.get('p99_ms'))}, "
        f"max {_ms(traffic.get('max_ms'))}",
    ]
    errors = summary["target_errors"]
    total_errors = sum(errors.values())
    lines.append(
        f"target errors (no verdict, not violations): {total_errors}"
        + (
            " (" + ", ".join(f"{kind}: {count}" for kind, count in sorted(errors.items())) + ")"
            if errors
            else ""
        )
    )
    tokens = summary["tokens"]
    lines.append(f"tokens issued: {tokens['issued']}, distinct: {tokens['distinct']}")
    lines.append("violations by clause:")
    width = max(len(row["id"]) for row in summary["clauses"])
    for row in summary["clauses"]:
        checked = f"{row['checked']} checked" if row["checked"] else "not exercised"
        lines.append(
            f"  {row['tier']:<8}  {row['id']:<{width}}  {checked:>15}  {row['violations']} violations"
        )
    for row in summary["clauses"]:
        for example in row["examples"][:1]:
            lines.append(f"first violation of {row['id']} [{row['tier']}] at {iso(example['at'])}:")
            lines += ["    " + line for line in example["detail"].splitlines()]
    advisory = summary["violations"]["advisory"]
    breaking = sum(summary["violations"][tier] for tier in BREAKING_TIERS)
    verdicts = {
        "kept": f"0 violations of the contract or the RFCs ({advisory} advisory): KEPT under load"
        if advisory
        else "0 violations: KEPT under load",
        "broken": f"{breaking} violations of the contract or the RFCs ({advisory} advisory): "
        "BROKEN under load",
        "no verdict": "NO VERDICT: no answer could be judged (every exchange was a target error)"
        if total_errors
        else "NO VERDICT: no answer came back within the run time (a longer --run-time, fewer users?)",
    }
    lines.append(verdicts[summary["verdict"]])
    return "\n".join(lines)


def junit_xml(summary: Mapping[str, Any], redact: Callable[[str], str]) -> bytes:
    """One testcase per clause: failed when a contract or rfc clause was violated, skipped when never
    exercised; an advisory violation passes with a property, as the suite reports advisory checks."""
    rows = summary["clauses"]
    suite = ElementTree.Element(
        "testsuite",
        name="authcontract load",
        tests=str(len(rows)),
        failures=str(sum(1 for row in rows if row["violations"] and row["tier"] in BREAKING_TIERS)),
        skipped=str(sum(1 for row in rows if not row["checked"])),
        errors="0",
    )
    properties = ElementTree.SubElement(suite, "properties")
    traffic = summary["requests"]
    for name in ("count", "rps", "p50_ms", "p95_ms", "p99_ms"):
        ElementTree.SubElement(properties, "property", name=f"requests_{name}", value=str(traffic.get(name)))
    errors = summary["target_errors"]
    ElementTree.SubElement(properties, "property", name="target_errors", value=str(sum(errors.values())))
    for row in rows:
        case = ElementTree.SubElement(suite, "testcase", classname=f"load.{row['tier']}", name=row["id"])
        details = "\n\n".join(
            f"{iso(example['at'])} {example['origin']}\n{example['detail']}" for example in row["examples"]
        )
        message = f"[{row['tier']}] {row['name']}: {row['violations']} of {row['checked']} answers broke it"
        if not row["checked"]:
            ElementTree.SubElement(case, "skipped", message="not exercised under load")
        elif row["violations"] and row["tier"] in BREAKING_TIERS:
            failure = ElementTree.SubElement(case, "failure", message=redact(message))
            failure.text = redact(f"clause: {row['source']}\n\n{details}")
        elif row["violations"]:
            case_properties = ElementTree.SubElement(case, "properties")
            ElementTree.SubElement(
                case_properties, "property", name="advisory_failure", value=redact(message)
            )
        ElementTree.SubElement(
            case, "system-out"
        ).text = f"{row['checked']} answers judged, {row['violations']} broke it"
    return ElementTree.tostring(suite, encoding="utf-8", xml_declaration=True)
