"""`authcontract check --list`: every check of the suite with its id, tier and clause (issue 26 item 8).

The list is generated from the suite; the test counts the suite's test functions in its source
(ast) and finds each one listed, with the tier its marker gives it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import contract_tests

from .test_check import _environment, run

pytestmark = pytest.mark.processes  # every test here starts a process

SUITE = Path(contract_tests.__file__).parent


def _suite_tests() -> dict[str, str]:
    """Each test function of the suite and its tier (the marker `pytest.mark.<tier>` on it)."""
    found = {}
    for path in sorted(SUITE.glob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                marks = {ast.unparse(decorator) for decorator in node.decorator_list}
                tiers = [
                    tier for tier in ("contract", "rfc", "advisory") if any(tier in mark for mark in marks)
                ]
                found[node.name] = tiers[0] if tiers else ""
    return found


def test_check_list_prints_every_check_with_its_id_tier_and_clause() -> None:
    result = run("--list", env=_environment(CONTRACT_BASE_URL="http://127.0.0.1:9"))  # nothing is sent
    assert result.returncode == 0, result.stderr
    listed = dict(re.findall(r"^(test_\w+)\s+(contract|rfc|advisory)\s+\S", result.stdout, re.MULTILINE))
    expected = _suite_tests()
    assert set(listed) == set(expected)
    assert {name: tier for name, tier in expected.items() if tier} == {
        name: tier for name, tier in listed.items() if expected[name]
    }
    assert re.search(
        r"^test_token_response_is_not_stored\s+rfc\s+RFC 6749 §5\.1$", result.stdout, re.MULTILINE
    )
    assert "    The token response carries `Cache-Control: no-store`." in result.stdout
    count = len(re.findall(r"^test_\w+", result.stdout, re.MULTILINE))
    assert result.stdout.rstrip().splitlines()[-1].startswith(f"{count} checks (")


def test_check_list_with_k_lists_what_k_would_run() -> None:
    result = run("--list", "-k", "expires_in", env=_environment())
    assert result.returncode == 0, result.stderr
    names = re.findall(r"^(test_\w+)", result.stdout, re.MULTILINE)
    assert names == [name for name in _suite_tests() if "expires_in" in name]
