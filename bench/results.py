"""Results as JSON (for tools) and a Markdown table (for people), side by side under bench/results/."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["RESULTS_DIR", "Check", "machine_table", "markdown_table", "write_results"]

RESULTS_DIR = Path(__file__).resolve().parent / "results"


class Check:
    """A target of the issue: a measured value against a bound, and whether it holds."""

    def __init__(self, name: str, value: float, bound: float, *, at_least: bool, unit: str = "") -> None:
        self.name, self.value, self.bound, self.at_least, self.unit = name, value, bound, at_least, unit

    @property
    def holds(self) -> bool:
        return self.value >= self.bound if self.at_least else self.value < self.bound

    def row(self) -> list[str]:
        sign = "≥" if self.at_least else "<"
        return [
            self.name,
            f"{self.value:,.2f}{self.unit}",
            f"{sign} {self.bound:g}{self.unit}",
            _yes(self.holds),
        ]

    def to_dict(self) -> dict[str, Any]:
        relation = "at_least" if self.at_least else "below"
        return {"name": self.name, "value": round(self.value, 3), relation: self.bound, "holds": self.holds}


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_table(machine: Mapping[str, object]) -> str:
    return markdown_table(["machine", ""], [[key, value] for key, value in machine.items()])


def write_results(
    name: str, payload: Mapping[str, Any], markdown: str, directory: Path = RESULTS_DIR
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    path = directory / f"{name}.md"
    path.write_text(markdown.rstrip() + "\n", encoding="utf-8")
    return path


def _yes(holds: bool) -> str:
    return "yes" if holds else "**no**"
