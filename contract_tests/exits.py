"""Exit statuses, named once: the commands' (`authcontract check`, `compare`, `load`) and the suite's.

The commands keep three: 0 the target keeps the contract, 1 it does not, 2 no verdict. The suite
is a pytest run and keeps pytest's codes, with its own no-verdict code beside them (SuiteExit).
A command never passes a suite's code on: `check` reads the suite's verdict from its results, and
`from_verdict` is the one place where a verdict becomes a command's status.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Exit", "SuiteExit", "from_verdict"]


class Exit(IntEnum):
    """What every `authcontract` command exits with."""

    KEPT = 0
    BROKEN = 1
    NO_VERDICT = 2  # bad settings, a settings mistake, no answer, interrupted, nothing judged


class SuiteExit(IntEnum):
    """What the contract suite exits with: pytest's codes (pytest.ExitCode), and NO_VERDICT."""

    PASSED = 0
    FAILED = 1
    INTERRUPTED = 2  # Ctrl-C, during a wait for expiry too
    NO_VERDICT = 3  # target errors and no contract failure; or the pre-flight stopped the run
    CONFIG = 4  # a setting is wrong (pytest's usage error)
    NO_CHECKS = 5  # nothing collected


def from_verdict(verdict: str) -> Exit:
    """The command's status for a run's verdict (authcontract/results.py): pass, fail, else none."""
    return {"pass": Exit.KEPT, "fail": Exit.BROKEN}.get(verdict, Exit.NO_VERDICT)
