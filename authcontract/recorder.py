"""A pytest plugin for the contract suite's run under `authcontract check`: what each check did, as JSON.

Loaded with `-p authcontract.recorder --authcontract-record FILE`. For each test it keeps the
check's title and clause (from its docstring), its marker, its outcome and why (the failure
message or the skip reason), all passed through the suite's own redaction, which knows every
token this run has seen. It also puts the progress clock in front of the suite's waits, and
redacts the JUnit XML once pytest has written it.
"""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

from .junit import redact_junit
from .progress import ProgressClock
from .results import CheckResult, clause_of, outcome_of

__all__ = ["Recorder", "pytest_addoption", "pytest_configure"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--authcontract-record", default=None, help="write each check's result to a JSON file")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("authcontract_record")
    if path:
        config.pluginmanager.register(Recorder(config, Path(path)), "authcontract-recorder")


def _redact(text: str) -> str:
    from contract_tests.redaction import redact

    return redact(text)


class Recorder:
    def __init__(self, config: pytest.Config, path: Path) -> None:
        self.config = config
        self.path = path
        self.results: dict[str, CheckResult] = {}
        self.stopped = ""
        from contract_tests import expiry

        self._expiry = expiry
        self._previous_clock = expiry.CLOCK
        expiry.CLOCK = ProgressClock(expiry.CLOCK, self._progress)

    def _progress(self, line: str) -> None:
        """Straight to the terminal: pytest captures stderr while a fixture waits."""
        capman = self.config.pluginmanager.getplugin("capturemanager")
        with capman.global_and_fixture_disabled() if capman is not None else nullcontext():
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:  # after -k and other deselection
            self.results[item.nodeid] = CheckResult.for_item(item.nodeid, item.name, *clause_of(item))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        result = self.results.get(report.nodeid)
        if result is None:
            return
        outcome = outcome_of(report)
        if outcome is not None:
            status, detail = outcome
            result.record(status, _redact(detail), report.duration)

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """pytest.exit (the suite's pre-flight, Ctrl-C during a wait) or a bare Ctrl-C: the run stopped."""
        reason = getattr(excinfo.value, "msg", None) or "interrupted (Ctrl-C): no verdict"
        self.stopped = _redact(" ".join(str(reason).split()))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        document: dict[str, Any] = {
            "exitstatus": int(session.exitstatus),  # as the suite's own hooks left it
            "stopped": self.stopped,
            "results": [result.to_dict() for result in self.results.values()],
        }
        self.path.write_text(json.dumps(document, indent=1), encoding="utf-8")

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self._expiry.CLOCK = self._previous_clock
        xmlpath = getattr(config.option, "xmlpath", None)
        if xmlpath and Path(xmlpath).is_file():
            redact_junit(Path(xmlpath), _redact)
