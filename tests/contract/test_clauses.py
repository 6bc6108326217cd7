"""Every check of the suite is one test with a docstring citing its clause and exactly one marker."""

from __future__ import annotations

import importlib
import inspect
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


def test_the_suite_has_every_level() -> None:
    levels = {
        level for name in MODULES for level in marker_names(importlib.import_module(f"contract_tests.{name}"))
    }
    assert levels == MARKERS
