"""Machine-readable results of `check` and `compare`: one JSON document a script or a CI step can read.

Every string value is redacted on its own before the document is serialised, so a secret cannot
hide behind JSON escaping, and the field names stay whole; its control characters are escaped
(text.py), so an ESC or a lone surrogate from the platform cannot break the file. The target is the
base URL without any user or password it may carry. The formats are documented in docs/results.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from . import __version__
from .drift import Difference, probe_names, summary_line
from .results import Summary
from .severity import TIERS as SEVERITIES
from .table import LABELS
from .text import printable

__all__ = ["check_document", "drift_document", "public_target", "stopped_document", "write_json"]

FORMAT = 1  # bumped when a field changes meaning or goes away
USERINFO = re.compile(r"(?<=//)[^/\s@]+@")  # `user:password@` written into a URL
TIERS = {"contract", "rfc", "advisory"}


def public_target(target: str) -> str:
    """The base URL without credentials (`https://user:pw@host` is `https://host`); other text as is."""
    parts = urlsplit(target)
    if not parts.scheme or not parts.netloc or "@" not in parts.netloc:
        return target
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _head(command: str, target: str, exit_status: int) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "tool": "authcontract",
        "version": __version__,
        "command": command,
        "target": public_target(target),
        "exit_status": exit_status,
    }


def check_document(summary: Summary, exit_status: int) -> dict[str, Any]:
    """A finished `check` run: the verdict and each check, its tier, status, clause and why."""
    checks = [
        {
            "id": result.nodeid,
            "name": result.name,
            "title": result.title,
            "tier": result.level if result.level in TIERS else None,
            "status": result.outcome,
            "label": LABELS.get(result.outcome, result.outcome.upper()),
            "clause": result.clause,
            "reference": result.reference,
            "message": result.detail if result.outcome != "passed" else "",
            "duration": round(result.duration, 3),
        }
        for result in summary.results
    ]
    counts = {name: count for name, count in sorted(summary.counts.items())}
    verdict = {"result": summary.status, "line": summary.verdict(), "counts": counts}
    return {**_head("check", summary.target, exit_status), "verdict": verdict, "checks": checks}


def stopped_document(command: str, target: str, line: str, exit_status: int) -> dict[str, Any]:
    """A run that stopped before any verdict (a settings mistake, no answer, Ctrl-C): the one line."""
    verdict = {"result": "none", "line": line, "counts": {}}
    items = "checks" if command == "check" else "probes"
    return {**_head(command, target, exit_status), "verdict": verdict, items: []}


def drift_document(compared: list[Difference], target: str, exit_status: int) -> dict[str, Any]:
    """A finished `compare`: each probe, each aspect of its answer on both sides, and how they differ."""
    probes = []
    for name in probe_names(compared):
        aspects = [item for item in compared if item.probe == name]
        probes.append(
            {
                "probe": name,
                "same": all(item.same for item in aspects),
                "aspects": [
                    {
                        "aspect": item.fact,
                        "mock": item.mock,
                        "platform": item.platform,
                        "same": item.same,
                        "difference": item.kind,
                        "why": item.why,
                        "severity": None if item.same else item.severity,
                        "clause": None if item.same else item.clause,
                        "fails": item.fails and not item.same,
                        "accepted": item.accepted or None,
                    }
                    for item in aspects
                ],
            }
        )
    found = [item for item in compared if not item.same]
    counts = {
        "probes": len(probes),
        "differing_probes": sum(not probe["same"] for probe in probes),
        "differences": len(found),
        "failing": sum(item.fails for item in found),
        "accepted": sum(bool(item.accepted) for item in found),
        **{tier: sum(item.severity == tier and not item.accepted for item in found) for tier in SEVERITIES},
    }
    line = summary_line(found, len(probes))
    verdict = {"result": "drift" if counts["failing"] else "same", "line": line, "counts": counts}
    return {
        **_head("compare", target, exit_status),
        "mock": "the bundled mock",
        "verdict": verdict,
        "probes": probes,
    }


def _redacted(value: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return printable(USERINFO.sub("***@", redact(value)), lines=True)
    if isinstance(value, dict):
        return {key: _redacted(item, redact) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item, redact) for item in value]
    return value


def write_json(path: Path, document: dict[str, Any], redact: Callable[[str], str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_redacted(document, redact), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
