"""Run the contract suite in-process against a small platform, and read back what happened.

Each run is `pytest.main` in this process (no interpreter start; schemathesis imported once) with
a recorder plugin, its terminal output captured; the platform is served on a loopback port. The
suite's clock and the platform's are one fake clock, so waiting for expiry costs nothing.
pytester is not used: its plugin can only be enabled from the root conftest or the command line.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import contract_tests.conftest
from contract_tests import expiry
from contract_tests.conftest import TARGET_ERROR_PROPERTY

from .targets import FakeClock, Platform, platform_app, serve

SUITE = Path(contract_tests.conftest.__file__).parent
TLS_CHECK = "test_credentials_and_tokens_travel_under_tls"  # skipped on the loopback over plain http


class Recorder:
    """A plugin for the inner run: keeps every test report."""

    def __init__(self) -> None:
        self.reports: list[pytest.TestReport] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.reports.append(report)


@dataclass
class Outcome:
    ret: int
    stdout: str
    stderr: str
    failed: set[str] = field(default_factory=set)
    passed: set[str] = field(default_factory=set)
    skipped: dict[str, str] = field(default_factory=dict)
    advisory: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)  # target errors: no verdict, with the message

    @property
    def text(self) -> str:
        return self.stdout + self.stderr

    @property
    def other_skips(self) -> dict[str, str]:
        """The skips besides the TLS check's, which a whole run against a proof platform (plain http on
        the loopback) always has: asserted here, with its reason."""
        assert "a loopback address" in self.skipped.get(TLS_CHECK, ""), self.text
        return {name: reason for name, reason in self.skipped.items() if name != TLS_CHECK}


def run_inline(*args: str) -> Outcome:
    """One run of the suite in this process. What it leaves alive (the modules and caches of its first
    run, schemathesis's among them) is frozen out of the cyclic collector's sight, as tests/conftest.py
    does after collection: pytest ends every run with full collections (unraisableexception's cleanup),
    which otherwise walked all of it again, a tenth of a second each run. The run's garbage is gone by
    then: those collections have just freed it."""
    recorder = Recorder()
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        ret = pytest.main([str(SUITE), "-p", "no:cacheprovider", *args], plugins=[recorder])
    gc.freeze()
    outcome = Outcome(int(ret), stdout.getvalue(), stderr.getvalue())
    for report in recorder.reports:
        name = report.nodeid.rsplit("::", 1)[-1]
        target_error = [str(value) for key, value in report.user_properties if key == TARGET_ERROR_PROPERTY]
        if report.failed and target_error:
            outcome.errors[name] = target_error[0]
        elif report.failed:
            outcome.failed.add(name)
        elif report.skipped:
            outcome.skipped[name] = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else ""
        elif report.when == "call":
            outcome.passed.add(name)
            if any(key == "advisory_failure" for key, _ in report.user_properties):
                outcome.advisory.add(name)
    outcome.passed -= outcome.failed | set(outcome.errors)
    return outcome


class SuiteRunner:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> None:
        self.monkeypatch = monkeypatch
        self.clock = clock

    def env(self, platform: Platform, base_url: str) -> dict[str, str]:
        """A live run's settings for this platform: credentials, paths, and waiting allowed."""
        return {
            "CONTRACT_BASE_URL": base_url,
            "CONTRACT_USERNAME": platform.username,
            "CONTRACT_PASSWORD": platform.password,
            "CONTRACT_PROTECTED_PATH": platform.protected_path,
            "CONTRACT_TOKEN_PATH": platform.token_path,
            "CONTRACT_EXPIRY_WAIT": "3600",  # waiting costs nothing on the fake clock
        }

    def run(self, platform: Platform, *args: str, env: dict[str, str | None] | None = None) -> Outcome:
        with serve(platform_app(platform, self.clock)) as base_url:
            return self.run_live({**self.env(platform, base_url), **(env or {})}, *args)

    def run_live(self, settings: Mapping[str, str | None], *args: str) -> Outcome:
        """A run with these CONTRACT_* settings (None: unset), against whatever they name."""
        for name, value in settings.items():
            if value is None:
                self.monkeypatch.delenv(name, raising=False)
            else:
                self.monkeypatch.setenv(name, value)
        return run_inline(*args)


@pytest.fixture
def suite(monkeypatch: pytest.MonkeyPatch) -> SuiteRunner:
    for name in list(os.environ):
        if name.startswith("CONTRACT_"):
            monkeypatch.delenv(name)
    clock = FakeClock()
    monkeypatch.setattr(expiry, "CLOCK", clock)
    return SuiteRunner(monkeypatch, clock)
