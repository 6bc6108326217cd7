"""Every check of the suite is one test with a docstring citing its clause and exactly one marker, and
the marker is the strength of the clause it quotes."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

import contract_tests

MARKERS = {"contract", "rfc", "advisory"}
MODULES = sorted(path.stem for path in Path(contract_tests.__file__).parent.glob("test_*.py"))


def marker_names(module: object) -> set[str]:
    marks = getattr(module, "pytestmark", [])
    marks = marks if isinstance(marks, list) else [marks]
    return {mark.name for mark in marks} & MARKERS


@pytest.mark.parametrize("name", MODULES)
def test_each_check_cites_its_clause(name: str) -> None:
    module = importlib.import_module(f"contract_tests.{name}")
    tests = [obj for key, obj in vars(module).items() if key.startswith("test_") and inspect.isfunction(obj)]
    assert tests
    assert len(marker_names(module)) == 1
    for test in tests:
        doc = inspect.getdoc(test) or ""
        assert "\nClause: " in doc, test.__name__


# The tier rule (docs/contract.md): what the quoted clause must show for each marker; an rfc clause
# quotes a MUST or REQUIRED, or names the definition or grammar it cites.
TIER_RULE = {
    "rfc": re.compile(r"^RFC (6749|6750|7235|9110) .*\b(MUST|REQUIRED|definition|grammar)\b"),
    "contract": re.compile(r"^platform docs\b"),
    "advisory": re.compile(r"\bSHOULD\b|\bsecurity practice\b|\bno keyword\b"),
}


def checks() -> list[tuple[str, str, str]]:
    """(module, test, tier) for every check."""
    found = []
    for name in MODULES:
        module = importlib.import_module(f"contract_tests.{name}")
        (tier,) = marker_names(module)
        found += [(name, key, tier) for key, obj in vars(module).items() if key.startswith("test_")]
    return found


@pytest.mark.parametrize(("module", "test", "tier"), checks())
def test_each_tier_is_the_strength_of_its_clause(module: str, test: str, tier: str) -> None:
    doc = inspect.getdoc(getattr(importlib.import_module(f"contract_tests.{module}"), test)) or ""
    clause = " ".join(doc.split("\nClause: ", 1)[1].split("\n\n")[0].split())
    assert TIER_RULE[tier].search(clause), f"{test} ({tier}): {clause}"


def test_the_suite_has_every_level() -> None:
    levels = {
        level for name in MODULES for level in marker_names(importlib.import_module(f"contract_tests.{name}"))
    }
    assert levels == MARKERS
