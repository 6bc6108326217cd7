"""The recorder plugin inside a pytest run: each check's outcome, clause and reason, and live progress.

The runs are in-process (pytester.runpytest), on small test files shaped like the contract suite's
tests: a docstring whose first line is the check and whose `Clause:` paragraph cites its source.
"""

from __future__ import annotations

import json

import pytest

from contract_tests import expiry

pytest_plugins = ["pytester"]

CHECKS = '''
import pytest


@pytest.mark.rfc
def test_passes():
    """A check that passes.

    Clause: RFC 6749 §5.1: "The authorization server MUST include
    the HTTP Cache-Control response header".
    """


@pytest.mark.contract
def test_fails():
    """A check that fails.

    Clause: platform docs: tokens expire.
    """
    raise AssertionError("expected: 401\\nactual:   200 OK")


@pytest.mark.contract
def test_skips():
    """A check that cannot run here.

    Clause: platform docs.
    """
    pytest.skip("needs CONTRACT_EXPIRY_WAIT of at least 60 s")


@pytest.mark.advisory
def test_warns(record_property):
    """A failed advisory check, kept as a warning.

    Clause: RFC 6749 §5.1: Pragma.
    """
    record_property("advisory_failure", "expected: Pragma: no-cache")


@pytest.mark.contract
def test_meets_a_target_error(record_property):
    """A check the target could not answer.

    Clause: platform docs.
    """
    record_property("target_error", "target error: the target is unavailable: 503")
    raise AssertionError("target error: the target is unavailable: 503")


@pytest.fixture
def broken():
    raise RuntimeError("no token")


@pytest.mark.rfc
def test_errors(broken):
    """A check whose fixture failed."""


def test_deselected():
    """Not run: -k leaves it out."""
'''


def test_each_check_is_recorded_with_its_clause_outcome_and_reason(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_checks=CHECKS)
    record = pytester.path / "results.json"
    pytester.runpytest(
        "-p", "authcontract.recorder", "--authcontract-record", str(record), "-k", "not deselected"
    )
    document = json.loads(record.read_text(encoding="utf-8"))
    assert document["exitstatus"] == 1
    found = {item["name"]: item for item in document["results"]}
    assert {name: item["outcome"] for name, item in found.items()} == {
        "test_passes": "passed",
        "test_fails": "failed",
        "test_skips": "skipped",
        "test_warns": "warned",
        "test_meets_a_target_error": "inconclusive",
        "test_errors": "error",
    }
    assert list(found) == [  # in the suite's order
        "test_passes",
        "test_fails",
        "test_skips",
        "test_warns",
        "test_meets_a_target_error",
        "test_errors",
    ]
    passes = found["test_passes"]
    assert (passes["title"], passes["level"]) == ("A check that passes.", "rfc")
    assert passes["clause"] == (
        'RFC 6749 §5.1: "The authorization server MUST include the HTTP Cache-Control response header".'
    )
    assert found["test_skips"]["detail"] == "needs CONTRACT_EXPIRY_WAIT of at least 60 s"
    assert "actual:   200 OK" in found["test_fails"]["detail"]
    assert found["test_warns"]["detail"] == "expected: Pragma: no-cache"
    assert "RuntimeError: no token" in found["test_errors"]["detail"]
    assert (found["test_errors"]["clause"], found["test_errors"]["level"]) == ("", "rfc")


WAITS = """
from contract_tests import expiry


class FakeClock:
    def __init__(self):
        self.slept = 0.0

    def now(self):
        return self.slept

    def sleep(self, seconds):
        self.slept += seconds


def test_waits_for_expiry():
    clock = expiry.CLOCK
    clock.inner = FakeClock()
    clock.sleep(30)
    assert clock.inner.slept == 30
"""


def test_a_wait_for_expiry_shows_progress_through_pytest_capture(pytester: pytest.Pytester) -> None:
    before = expiry.CLOCK
    pytester.makepyfile(test_waits=WAITS)
    record = pytester.path / "results.json"
    result = pytester.runpytest("-p", "authcontract.recorder", "--authcontract-record", str(record))
    result.assert_outcomes(passed=1)
    assert result.stderr.lines[0] == "authcontract: waiting 30 s for a token to expire"
    assert result.stderr.lines[-1] == "authcontract: waited 30 of 30 s (100%)"
    assert expiry.CLOCK is before  # put back when the run ends
