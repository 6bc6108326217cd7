"""`authcontract check`: settings and credentials checked up front, the suite run, the table and the verdict.

Settings are validated with the suite's own rules before anything runs, so a missing variable is
one line, not a pytest traceback. Credentials come from the environment or the profile, else are
asked at a terminal. A live target then gets the suite's pre-flight here, before the suite starts:
a settings mistake or no answer is one line. Exit status: 0 the target keeps the contract, 1 it
does not, 2 no verdict (bad settings, a settings mistake, unreachable target, interrupted).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

from contract_tests.exits import Exit, from_verdict
from contract_tests.options import CHECK
from contract_tests.surfaces import add_arguments as add_target_arguments

from .html_report import render_html
from .results import keep_suite_text
from .suite import SuiteOverran, read_summary, run_suite, suite_command, watchdog_seconds
from .table import render_table
from .target import Resolved, described, resolve_target

if TYPE_CHECKING:
    from contract_tests.settings import ContractSettings

__all__ = ["add_arguments", "preflight_problem", "run_check"]

SUITE_PREFIX = "contract suite: "


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser, CHECK)  # the target's settings: contract_tests/options.py
    add = parser.add_argument
    add("-k", dest="keyword", metavar="EXPR", help="run only the checks matching this pytest -k expression")
    add("--list", action="store_true", help="list every check: its id (for -k), tier and clause; run none")
    add("--junitxml", type=Path, metavar="FILE", help="write a JUnit XML report (redacted)")
    add("--html", type=Path, metavar="FILE", help="write a self-contained HTML report (redacted)")
    add(
        "--json",
        type=Path,
        metavar="FILE",
        help="write a JSON report for scripts (redacted; docs/results.md)",
    )


def _settings(
    args: argparse.Namespace, environ: Mapping[str, str], stdin: IO[str]
) -> tuple[Resolved | None, str | None, str]:
    """(the resolved target or None, what is wrong with its settings or None, its description), as the
    suite will see them."""
    from contract_tests.settings import ConfigError

    try:
        resolved = resolve_target(args, environ, stdin)
    except ConfigError as error:
        return None, str(error), described(args, environ, "the platform")
    return resolved, None, resolved.settings.base_url or "the bundled mock"


def preflight_problem(settings: ContractSettings) -> str | None:
    """The shared pre-flight (contract_tests/preflight.py) of a live target: why no verdict can be
    reached with these settings, in one line, or None. The bundled mock's is the suite's own."""
    from contract_tests.preflight import SettingsMistake, check_live_settings

    if not settings.is_live:
        return None
    try:
        check_live_settings(settings)
    except SettingsMistake as mistake:
        return f"no verdict: {mistake}"
    return None


def run_check(
    args: argparse.Namespace, *, environ: Mapping[str, str], stdin: IO[str], out: IO[str], err: IO[str]
) -> int:
    if getattr(args, "list", False):
        from .listing import list_checks

        return list_checks(args, environ, out, err)
    target = described(args, environ, "the bundled mock")
    try:
        return _check(args, environ=environ, stdin=stdin, out=out, err=err)
    except KeyboardInterrupt:  # the command's main() says so in one line; the JSON report says it too
        _write_stopped(args, target, "interrupted (Ctrl-C): no verdict")
        raise
    except EOFError:
        _write_stopped(args, target, "no answer at the credentials prompt: no verdict")
        raise


def _write_stopped(args: argparse.Namespace, target: str, line: str) -> None:
    """The reports of a run that reached no verdict (a settings mistake, no answer, Ctrl-C), in every
    format asked for: the line it printed and exit status 2 in the JSON, an <error> case naming it in
    the JUnit (never a file that reads green, whatever the suite left there), the line on the page."""
    from contract_tests.redaction import redact

    if args.json is not None:
        from .json_report import stopped_document, write_json

        write_json(args.json, stopped_document("check", target, line, int(Exit.NO_VERDICT)), redact)
    if args.junitxml is not None:
        from .junit import Case, write_junit

        write_junit(
            args.junitxml, "authcontract", [Case("check", "contract suite", line, error=line)], redact
        )
    if args.html is not None:
        from .html_report import render_stopped_html

        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(render_stopped_html(target, line, redact), encoding="utf-8")


def _no_verdict(args: argparse.Namespace, target: str, line: str, err: IO[str]) -> int:
    from contract_tests.redaction import keep, redact

    keep("no verdict")  # the tool's words, whatever the password spells
    err.write(f"authcontract check: {redact(line)}\n")
    _write_stopped(args, target, line)
    return Exit.NO_VERDICT


def _check(
    args: argparse.Namespace, *, environ: Mapping[str, str], stdin: IO[str], out: IO[str], err: IO[str]
) -> int:
    from contract_tests.redaction import redact

    resolved, problem, target = _settings(args, environ, stdin)
    settings = resolved.settings if resolved is not None else None
    if settings is not None:
        problem = preflight_problem(settings)
    if problem is not None or resolved is None:
        return _no_verdict(args, target, problem or "no verdict", err)
    with tempfile.TemporaryDirectory(prefix="authcontract-") as name:
        work = Path(name)
        limit = watchdog_seconds(resolved.settings)
        try:  # the watchdog: a run that outlives its bound is stopped, no verdict
            run_suite(suite_command(args, work), resolved.env, work, err, limit=limit)
        except SuiteOverran as overran:
            return _no_verdict(args, target, f"no verdict: {overran}", err)
        summary = read_summary(work, target)
        if summary.stopped:  # a settings mistake the suite found, or an interruption: one line, no table
            return _no_verdict(args, target, summary.stopped.removeprefix(SUITE_PREFIX), err)
        if not summary.complete:
            tail = (work / "stdout.txt").read_text(encoding="utf-8").strip().splitlines()[-15:]
            err.write(redact("\n".join(tail)) + "\n")
    keep_suite_text(summary)
    out.write(render_table(summary, redact) + "\n")
    if args.html is not None:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(render_html(summary, redact), encoding="utf-8")
    status = int(from_verdict(summary.status))
    if args.json is not None:
        from .json_report import check_document, write_json

        write_json(args.json, check_document(summary, status), redact)
    return status
