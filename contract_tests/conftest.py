"""pytest hooks of the contract suite: options, settings, advisory checks, target errors, secret-free reports.

Fixtures are defined in plugin.py (the one place that chooses the target) and exported here.

A check that met a TargetError (see transport.py: a transport failure after the retries, or a 429,
502, 503 or 504 answer) reached no verdict: it ends as a pytest *error* whose text starts with
"target error:", never as a failure, and carries the report property `target_error`. A run with
target errors and no contract failure exits with SuiteExit.NO_VERDICT (3), and the summary says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from .checks import AdvisoryWarning, Clause, ContractViolation
from .client import TargetError
from .exits import SuiteExit
from .junit_warnings import ADVISORY_PROPERTY, mark_warnings
from .options import ROWS, row
from .plain_imports import install as import_plainly
from .plugin import (
    SETTINGS_KEY,
    clause,
    contract_client,
    contract_settings,
    contract_target,
    expired_token,
    expiry,
    login,
    login_reply,
    nearly_expired_token,
    preflight_result,
    probes,
    token,
    token_source,
)
from .preflight import Preflight
from .redaction import install_log_redaction, keep, redact
from .settings import ConfigError, load_settings
from .surfaces import add_pytest_options, given

__all__ = [
    "clause",
    "contract_client",
    "contract_settings",
    "contract_target",
    "expired_token",
    "expiry",
    "login",
    "login_reply",
    "nearly_expired_token",
    "preflight_result",
    "probes",
    "token",
    "token_source",
]

TARGET_ERROR_PROPERTY = "target_error"
TARGET_ERROR_PREFIX = "target error: "
FAILURES_KEY = pytest.StashKey[Counter[str]]()  # failed reports: "target" errors, "contract" failures
_undo_log_redaction: list[Callable[[], None]] = []


@pytest.fixture(scope="session", autouse=True)
def _preflight_first(preflight_result: Preflight) -> Preflight:
    """The pre-flight runs before the first check, whichever fixtures that check asks for."""
    return preflight_result


def pytest_addoption(parser: pytest.Parser) -> None:
    """The suite's options, one per row of the table of target settings (options.py)."""
    add_pytest_options(parser.getgroup("contract", "contract suite (contract_tests/)"))


MARKERS = {
    "contract": "a statement of the platform's documentation",
    "rfc": "a MUST of RFC 6749, 6750 or 7235",
    "advisory": "a SHOULD or a security practice; a warning unless --advisory=fail",
}


def pytest_configure(config: pytest.Config) -> None:
    """Markers are declared here too: an installed suite has no pyproject.toml to declare them.
    Before the test modules are collected, the libraries they import are set to load without
    pytest's assertion rewriting (plain_imports.py: a fifth of a run's work)."""
    config.add_cleanup(import_plainly())
    for name, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")
    options = {option.name: config.getoption(option.pytest_dest) for option in ROWS if option.pytest_option}
    try:
        config.stash[SETTINGS_KEY] = load_settings(
            options=given(options), profile=config.getoption(row("profile").pytest_dest)
        )
    except ConfigError as exc:
        pytest.exit(f"contract suite: {exc}", returncode=SuiteExit.CONFIG)
    config.addinivalue_line("filterwarnings", f"always::{AdvisoryWarning.__module__}.AdvisoryWarning")
    config.stash[FAILURES_KEY] = Counter()
    _undo_log_redaction.append(install_log_redaction())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The suite's own words (test names, titles, clauses) are kept: redaction never masks them."""
    for item in items:
        path, _, name = item.nodeid.partition("::")
        for text in (item.nodeid, name, item.name, path, path.removesuffix(".py").replace("/", ".")):
            keep(text)
        doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
        for paragraph in doc.strip().split("\n\n"):
            keep(" ".join(paragraph.split()))
            for line in paragraph.splitlines():
                keep(line.strip())
        try:
            clause = Clause.of(item)
        except pytest.UsageError:
            continue  # the clause fixture reports it
        keep(f"[{clause.level}] {clause.name}")
        keep(f"clause:   {clause.source}")


def pytest_unconfigure(config: pytest.Config) -> None:
    xmlpath = getattr(config.option, "xmlpath", None)
    if xmlpath and Path(xmlpath).is_file():
        mark_warnings(Path(xmlpath))  # WARN rows as <skipped type="warning">, see junit_warnings.py
    if _undo_log_redaction:
        _undo_log_redaction.pop()()


def pytest_report_header(config: pytest.Config) -> str:
    settings = config.stash.get(SETTINGS_KEY, None)
    if settings is None or settings.base_url is None:
        return "contract target: the bundled mock, on a free loopback port"
    return (
        f"contract target: live {settings.base_url}, token path {settings.token_path}, "
        f"credentials in {settings.credentials_in}, protected path {settings.protected_path}"
    )


@pytest.hookimpl(tryfirst=True, specname="pytest_runtest_makereport")
def pytest_runtest_makereport_without_traceback(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> pytest.TestReport | None:
    """A violation or a target error is told in one redacted line (set below): its report is built
    without pytest first formatting a traceback that would be thrown away. For a target error (a
    chain of requests and urllib3 exceptions) that formatting read the source of every frame: 27 of
    the 39 s of a profiled run against a target answering 503."""
    error = call.excinfo.value if call.excinfo is not None else None
    if call.when == "collect":
        return None  # a collection error is pytest's own report
    if not isinstance(error, (ContractViolation, TargetError)):
        return None  # pytest's own report
    sections = [(f"Captured {key} {when}", content) for when, key, content in item._report_sections]
    keywords = {name: 1 for name in item.keywords}
    return pytest.TestReport(
        item.nodeid,
        item.location,
        keywords,
        "failed",
        str(error),
        call.when,
        sections,
        call.duration,
        call.start,
        call.stop,
        user_properties=item.user_properties,
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, ContractViolation):
        report.longrepr = str(error)  # the whole story, already redacted: no traceback, no locals
    if isinstance(error, TargetError):
        report.longrepr = TARGET_ERROR_PREFIX + str(error)  # redacted, one line
        report.user_properties.append((TARGET_ERROR_PROPERTY, report.longrepr))  # this report only
    if (
        isinstance(error, ContractViolation)
        and report.when == "call"
        and item.get_closest_marker("advisory") is not None
        and item.config.getoption(row("advisory").pytest_dest) == "warn"
    ):
        message = str(error)
        report.outcome = "passed"
        report.longrepr = None
        item.user_properties.append((ADVISORY_PROPERTY, message))  # for the junit report
        report.user_properties.append((ADVISORY_PROPERTY, message))
        item.warn(AdvisoryWarning(message))
    counts = _failures(item.config)
    if counts is not None and report.failed:
        counts["target" if is_target_error(report) else "contract"] += 1
    _redact_report(report)
    return report


def _redact_report(report: pytest.TestReport) -> None:
    """Last line of defence: whatever pytest is about to show or write, with the secrets masked."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):
        report.longrepr = (longrepr[0], longrepr[1], redact(longrepr[2]))
    elif longrepr is not None:
        text = str(longrepr)
        if redact(text) != text:
            report.longrepr = redact(text)
    report.sections = [(title, redact(content)) for title, content in report.sections]
    report.user_properties = [(name, redact(str(value))) for name, value in report.user_properties]


def is_target_error(report: pytest.TestReport) -> bool:
    return report.failed and any(name == TARGET_ERROR_PROPERTY for name, _ in report.user_properties)


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> tuple[str, str, str] | None:
    if report.when == "call" and any(name == ADVISORY_PROPERTY for name, _ in report.user_properties):
        return "advisory", "A", "ADVISORY"
    if is_target_error(report):
        return "error", "E", "ERROR"  # no verdict: an error, in the call phase too
    return None


def _failures(config: pytest.Config) -> Counter[str] | None:
    return config.stash.get(FAILURES_KEY, None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Target errors and no contract failure: the run is inconclusive, not failed."""
    counts = _failures(session.config)
    if exitstatus == pytest.ExitCode.TESTS_FAILED and counts and counts["target"] and not counts["contract"]:
        session.exitstatus = SuiteExit.NO_VERDICT


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    _summarise_target_errors(terminalreporter, config)
    failed = terminalreporter.stats.get("advisory", [])
    if failed:
        terminalreporter.write_sep("-", "advisory checks")
        for report in failed:
            terminalreporter.write_line(f"ADVISORY {report.nodeid}: failed, reported as a warning")
        terminalreporter.write_line("run with --advisory=fail to make failed advisory checks fail the run")


def _summarise_target_errors(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    counts = _failures(config)
    if not counts or not counts["target"]:
        return
    terminalreporter.write_sep("-", "target errors: no verdict")
    terminalreporter.write_line(
        f"{counts['target']} check(s) reached no verdict: the target failed at the transport level "
        "(after the retries) or answered 429, 502, 503 or 504 (see the 'target error:' lines)"
    )
    if counts["contract"]:
        terminalreporter.write_line(f"the {counts['contract']} contract failure(s) stand on their own")
    else:
        terminalreporter.write_line(
            f"the run is inconclusive (exit status {int(SuiteExit.NO_VERDICT)}): "
            "rerun when the target is healthy"
        )
