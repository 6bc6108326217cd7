"""Run the contract suite in-process against a small platform, and read back what failed.

The suite runs through pytester (in-process: no interpreter start, schemathesis imported once),
against a Platform served on a loopback port. The suite's clock and the platform's are one fake
clock, so waiting for expiry costs nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

import contract_tests.conftest
from contract_tests import expiry
from contract_tests.client import ContractClient
from contract_tests.conformance import Conformance, build_schema
from contract_tests.plugin import open_target
from contract_tests.redaction import Secret
from contract_tests.settings import load_settings

from .targets import FakeClock, Platform, platform_app, serve

pytest_plugins = ["pytester"]

SUITE = Path(contract_tests.conftest.__file__).parent


@dataclass
class Outcome:
    result: pytest.RunResult
    failed: set[str]
    passed: set[str]
    skipped: dict[str, str]
    advisory: set[str]

    @property
    def text(self) -> str:
        return self.result.stdout.str() + self.result.stderr.str()


def _name(nodeid: str) -> str:
    return nodeid.rsplit("::", 1)[-1]


class SuiteRunner:
    def __init__(self, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> None:
        self.pytester = pytester
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
            settings: dict[str, str | None] = {**self.env(platform, base_url), **(env or {})}
            for name, value in settings.items():
                if value is None:
                    self.monkeypatch.delenv(name, raising=False)
                else:
                    self.monkeypatch.setenv(name, value)
            result = self.pytester.runpytest(str(SUITE), "-p", "no:cacheprovider", *args)
        return outcome_of(result)


def outcome_of(result: pytest.RunResult) -> Outcome:
    failed, passed, advisory = set(), set(), set()
    skipped: dict[str, str] = {}
    reprec = result.reprec  # type: ignore[attr-defined]
    reports = reprec.getreports("pytest_runtest_logreport") if hasattr(reprec, "getreports") else []
    for report in reports:
        name = _name(report.nodeid)
        if report.failed:
            failed.add(name)
        elif report.skipped:
            skipped[name] = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else ""
        elif report.when == "call":
            passed.add(name)
            if any(key == "advisory_failure" for key, _ in report.user_properties):
                advisory.add(name)
    return Outcome(result, failed, passed - failed, skipped, advisory)


@pytest.fixture(scope="session")
def warm_imports() -> None:
    """Import what a suite run imports lazily, once, outside pytester's sys.modules snapshots.

    An in-process run drops the modules it imported when it ends; schemathesis imports much of
    itself on first use, and each run would import (and assertion-rewrite) it again.
    """
    clock = FakeClock()
    platform = Platform()
    with serve(platform_app(platform, clock)) as base_url:
        settings = load_settings(
            environ={
                "CONTRACT_BASE_URL": base_url,
                "CONTRACT_USERNAME": platform.username,
                "CONTRACT_PASSWORD": platform.password,
                "CONTRACT_PROTECTED_PATH": platform.protected_path,
            }
        )
        with open_target(settings) as target:
            client = ContractClient(target.base_url, timeout=5)
            schema = build_schema(target, Secret("not-a-token-but-well-formed"))
            for path, method in ((target.login.path, "POST"), (target.protected_path, "GET")):
                Conformance(schema[path][method], client, target.budget).run_generated()
            client.close()


@pytest.fixture
def suite(warm_imports: None, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> SuiteRunner:
    for name in list(os.environ):
        if name.startswith("CONTRACT_"):
            monkeypatch.delenv(name)
    clock = FakeClock()
    monkeypatch.setattr(expiry, "CLOCK", clock)
    return SuiteRunner(pytester, monkeypatch, clock)
