"""Exit statuses are named once (contract_tests/exits.py): the suite's are pytest's where pytest has
one, and a run's verdict becomes a command's status in one place."""

from __future__ import annotations

import pytest

from contract_tests.exits import Exit, SuiteExit, from_verdict


def test_the_suites_statuses_are_pytests_where_pytest_names_them() -> None:
    assert SuiteExit.PASSED == pytest.ExitCode.OK
    assert SuiteExit.FAILED == pytest.ExitCode.TESTS_FAILED
    assert SuiteExit.INTERRUPTED == pytest.ExitCode.INTERRUPTED
    assert SuiteExit.CONFIG == pytest.ExitCode.USAGE_ERROR
    assert SuiteExit.NO_CHECKS == pytest.ExitCode.NO_TESTS_COLLECTED


@pytest.mark.parametrize(
    ("verdict", "status"), [("pass", Exit.KEPT), ("fail", Exit.BROKEN), ("none", Exit.NO_VERDICT)]
)
def test_a_runs_verdict_becomes_the_commands_status(verdict: str, status: Exit) -> None:
    assert from_verdict(verdict) is status
    assert [int(code) for code in Exit] == [0, 1, 2]
