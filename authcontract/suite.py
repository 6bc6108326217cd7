"""Run the contract suite in a child pytest with the recorder plugin, and read back its results.

The suite runs as `python -m pytest <contract_tests>` in a process of its own: the suite's global
state (its redaction, its clock) stays out of the caller's, and the pytest ini file of whatever
directory QA stands in is ignored (`-c` names an empty one). Options that hold no secret are
passed as the suite's own options (contract_tests/surfaces.py); credentials travel in the
environment only. The child (child.py) has its stderr relayed line by line, redacted, so progress
(waiting for expiry) shows as it happens.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

from contract_tests.surfaces import suite_argv

from .child import run_child
from .results import CheckResult, Summary

if TYPE_CHECKING:
    from contract_tests.settings import ContractSettings

__all__ = ["SuiteOverran", "read_summary", "run_suite", "suite_command", "watchdog_seconds"]

# Plugins installed with the suite's libraries that the suite never uses (it drives hypothesis and
# schemathesis itself, asks for no `faker` fixture, has no async test): each loaded costs a start.
UNUSED_PLUGINS = ("schemathesis", "faker", "anyio")
# The watchdog of a whole run: the suite's start, plus every exchange it may send taking its whole
# deadline (limits.py), plus twice the wait for expiry. A bound, never a pace: a run that reaches it
# is stopped and reported as no verdict.
START_SECONDS = 120
EXCHANGES = 100  # the named checks' exchanges, with room to spare...
EXCHANGES_PER_EXAMPLE = 20  # ...and schemathesis's, per case of each operation and mode


class SuiteOverran(Exception):
    """The suite outlived its watchdog and was stopped; the message is one line."""


def watchdog_seconds(settings: ContractSettings) -> float:
    """How long a whole run against these settings may take, from the timeout and the exchanges."""
    from contract_tests.limits import deadline_for
    from contract_tests.plugin import LIVE_BUDGET, MOCK_BUDGET

    budget = LIVE_BUDGET if settings.is_live else MOCK_BUDGET
    examples = settings.examples or budget.examples
    exchanges = EXCHANGES + EXCHANGES_PER_EXAMPLE * examples
    return START_SECONDS + 2 * settings.expiry_wait + exchanges * deadline_for(settings.timeout)


def suite_command(args: argparse.Namespace, work: Path) -> list[str]:
    import contract_tests

    suite = Path(contract_tests.__file__).resolve().parent
    (work / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    command = [sys.executable, "-m", "pytest", str(suite), "-c", str(work / "pytest.ini")]
    command += ["--rootdir", str(suite.parent), "-p", "no:cacheprovider", "-q", "-p", "authcontract.recorder"]
    for unused in UNUSED_PLUGINS:
        command += ["-p", f"no:{unused}"]
    command += ["--authcontract-record", str(work / "results.json")]
    command += suite_argv(args)  # the settings that hold no secret, from the one table
    if getattr(args, "keyword", None):
        command += ["-k", args.keyword]
    if args.junitxml is not None:
        args.junitxml.parent.mkdir(parents=True, exist_ok=True)
        command += [f"--junitxml={args.junitxml.resolve()}", "-o", "junit_suite_name=authcontract"]
    return command


def run_suite(
    command: list[str], env: dict[str, str], work: Path, err: IO[str], limit: float | None = None
) -> int:
    """Run the suite to its end, its stderr relayed redacted; SuiteOverran if it outlives `limit` s.
    Ctrl-C: the suite gets it too and ends, and says nothing more here (child.py)."""
    from contract_tests.redaction import redact

    with (work / "stdout.txt").open("w", encoding="utf-8") as stdout:
        ended = run_child(command, env, err, redact, stdout=stdout, limit=limit)
    if ended.overran:
        raise SuiteOverran(
            f"the contract suite ran longer than its bound of {limit:.0f} s (from the timeout and the "
            "number of exchanges) and was stopped"
        )
    return ended.code


def read_summary(work: Path, target: str) -> Summary:
    path = work / "results.json"
    if not path.is_file():
        return Summary(target, ())
    document = json.loads(path.read_text(encoding="utf-8"))
    results = tuple(CheckResult.from_dict(item) for item in document["results"])
    return Summary(target, results, str(document.get("stopped") or ""))
