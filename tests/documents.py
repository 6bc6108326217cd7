"""The documentation's examples, found by their markers in README.md or a page of docs/.

An example sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` around one fenced block; each
name appears once across all the documents, so a test reads it wherever the text lives.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["DOCUMENTS", "ROOT", "block"]

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def block(name: str) -> str:
    """The fenced block between the markers of `name`; fails unless exactly one document has it."""
    pattern = re.compile(
        rf"<!-- {re.escape(name)}:start -->\n```[\w-]*\n(.*?)```\n<!-- {re.escape(name)}:end -->", re.S
    )
    found = [match.group(1) for path in DOCUMENTS for match in pattern.finditer(path.read_text("utf-8"))]
    assert len(found) == 1, f"{len(found)} blocks named {name!r} in README.md and docs/ (one expected)"
    return found[0]
