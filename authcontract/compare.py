"""`authcontract compare`: the same probes to the bundled mock and to a platform, and where they differ.

The platform's settings and credentials are the contract suite's (CONTRACT_* variables, a profile,
or a terminal prompt), and so are its HTTP client (timeouts, redaction) and its login. The mock
is started here, on a free loopback port, with the demo user, or with the settings of
`--mock-config` when the team's mock is tuned to its platform. Before anything is compared, the
platform gets `check`'s pre-flight (contract_tests/preflight.py): credentials it refuses, a wrong
token path or protected path, or no answer is one line, the same as `check` prints. Exit status:
0 the same, 1 drift, 2 no comparison (bad settings, a settings mistake, unreachable platform).
Drift is a `contract` or `rfc` difference (severity.py; `--fail-on` moves the bar) that no
`--ignore` or `--baseline` accepts (gate.py); cosmetic ones are listed apart. `--json`, `--junitxml`
and `--html` keep the comparison (or the no-comparison line) as files, each difference with its
severity. `--write-mock-config FILE` writes the mock settings that mirror the platform (mirror.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

from contract_tests.exits import Exit
from contract_tests.options import COMPARE
from contract_tests.surfaces import add_arguments as add_target_arguments

from .check import preflight_problem
from .target import described, resolve_target

if TYPE_CHECKING:
    from contract_tests.redaction import Secret
    from contract_tests.settings import ContractSettings

    from .drift import Difference
    from .junit import Case
    from .observe import Side

__all__ = ["add_arguments", "add_report_arguments", "observations", "run_compare"]

MOCK_LOGIN_PATH = "/authorization"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser, COMPARE)  # the platform's settings: contract_tests/options.py
    add = parser.add_argument
    add("--mock-config", type=Path, metavar="FILE", help="the mock's settings (TOML), to mirror the platform")
    add(
        "--mock-protected-path",
        default="/me",
        help="the mock's counterpart of --protected-path (default /me)",
    )
    add(
        "--write-mock-config",
        type=Path,
        metavar="FILE",
        help="write the mock settings (TOML) that make the mock answer like the platform",
    )
    from .gate import add_gate_arguments

    add_gate_arguments(parser)
    add_report_arguments(parser)


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    for flag, what in (("--json", "JSON"), ("--junitxml", "JUnit XML"), ("--html", "self-contained HTML")):
        parser.add_argument(flag, type=Path, metavar="FILE", help=f"write the drift as {what} (redacted)")


def observations(side: Side) -> dict[str, dict[str, str]]:
    """Send every probe, in order; the login's token is kept for the probes that need one."""
    from contract_tests.checks import ContractViolation
    from contract_tests.login import token_of

    from .observe import PROBES, observe

    seen = {}
    for probe in PROBES:
        response = probe.send(side)
        if probe.name == "login" and response is not None:
            try:
                side.token = token_of(response)
            except ContractViolation:
                side.token = None
        seen[probe.name] = observe(response, probe.body_fields)
    return seen


def _side(
    settings: ContractSettings, base_url: str, token_path: str, user: tuple[Secret, Secret], path: str
) -> Side:
    """A target spoken to the way the settings say: where credentials go, extra parameters, timeout."""
    from contract_tests.login import Login

    from .observe import Side
    from .probe_client import ProbeClient

    login = Login(token_path, settings.credentials_in, settings.token_params, *user)
    return Side(ProbeClient(base_url, timeout=settings.timeout, verify=settings.verify), login, path)


def _compare(settings: ContractSettings, args: argparse.Namespace, out: IO[str]) -> int:
    from contract_tests.demo import demo_user
    from contract_tests.redaction import keep, redact
    from mockserver import MockServer, load_settings

    from .drift import compare_facts, render_drift
    from .gate import gate_from, write_baseline
    from .observe import PROBES

    base_url, username, password, path = (
        settings.base_url,
        settings.username,
        settings.password,
        settings.protected_path,
    )
    if base_url is None or username is None or password is None or path is None:
        raise ValueError("compare needs a platform: --base-url or CONTRACT_BASE_URL, with its credentials")
    gate = gate_from(args, [probe.name for probe in PROBES])  # a mistake in it: before any request
    problem = preflight_problem(settings)  # the same pre-flight as `check`: they agree on every mistake
    if problem is not None:
        raise ValueError(problem)
    platform = _side(settings, base_url, settings.token_path, (username, password), path)
    mock_settings = load_settings(config_file=args.mock_config, overrides={"log_requests": False})
    with MockServer(mock_settings) as mock:
        mock_side = _side(settings, mock.url, MOCK_LOGIN_PATH, demo_user(), args.mock_protected_path)
        try:
            mock_seen, platform_seen = observations(mock_side), observations(platform)
        finally:
            mock_side.client.close()
            platform.client.close()
    for probe in PROBES:  # the probes' names are our words: a password `password` does not mask them
        keep(probe.name)
    compared = gate.apply(compare_facts(mock_seen, platform_seen, gate.fail_on), redact)
    if args.write_baseline is not None:
        compared = write_baseline(args.write_baseline, compared, redact)
    if args.write_mock_config is not None:
        _mirror(args.write_mock_config, settings, platform_seen, (base_url, args.mock_protected_path), out)
    found = [item for item in compared if not item.same]
    out.write(redact(render_drift(found, len(PROBES), base_url)) + "\n")
    status = 1 if any(item.fails for item in found) else 0
    _write_reports(args, base_url, status, compared)
    return status


def _mirror(
    path: Path,
    settings: ContractSettings,
    platform_seen: dict[str, dict[str, str]],
    where: tuple[str, str],
    out: IO[str],
) -> None:
    """Write the mirroring config, probe the mock started from it, and say what it cannot mirror."""
    from contract_tests.demo import demo_user
    from contract_tests.redaction import redact
    from mockserver import MockServer, load_settings

    from .drift import compare_facts
    from .json_report import public_target
    from .mirror import (
        append_not_mirrored,
        mirror_settings,
        not_mirrored,
        render_not_mirrored,
        toml_value,
        write_mock_config,
    )
    from .text import printable

    base_url, protected_path = where  # the platform's URL, the mock's protected path
    chosen = mirror_settings(platform_seen)
    write_mock_config(path, chosen, public_target(base_url))
    mirrored = load_settings(config_file=path, overrides={"log_requests": False})
    with MockServer(mirrored) as mock:
        side = _side(settings, mock.url, MOCK_LOGIN_PATH, demo_user(), protected_path)
        try:
            seen = observations(side)
        finally:
            side.client.close()
    lines = render_not_mirrored(not_mirrored(compare_facts(seen, platform_seen)), redact)
    append_not_mirrored(path, lines)
    written = ", ".join(f"{name} = {toml_value(value)}" for name, value in chosen.items()) or "none"
    out.write(printable(redact(f"mock config written to {path}: {written}")) + "\n")
    out.write(f"not mirrored ({len(lines)}):\n" + "".join(f"  {line}\n" for line in lines) + "\n")


def _write_reports(
    args: argparse.Namespace, target: str, status: int, compared: list[Difference], stopped: str = ""
) -> None:
    """The files asked for: the comparison, or (no `compared`) the line that says why there is none."""
    from contract_tests.redaction import redact

    from .drift import probe_names, summary_line
    from .html_report import render_drift_html
    from .json_report import drift_document, public_target, stopped_document, write_json
    from .junit import write_junit

    target = public_target(target)  # never a user or password written into the URL
    found = [item for item in compared if not item.same]
    line = summary_line(found, len(probe_names(compared))) if compared else stopped
    if args.json is not None:
        document = (
            drift_document(compared, target, status)
            if compared
            else stopped_document("compare", target, line, status)
        )
        write_json(args.json, document, redact)
    if args.junitxml is not None:
        write_junit(args.junitxml, "authcontract compare", _cases(compared) or [_stopped_case(line)], redact)
    if args.html is not None:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(render_drift_html(compared, target, line, redact), encoding="utf-8")


def _cases(compared: list[Difference]) -> list[Case]:
    """One testcase per probe: failed where the platform's answer differs, listing each difference."""
    from .drift import probe_names
    from .junit import Case

    cases = []
    for name in probe_names(compared):
        aspects = [item for item in compared if item.probe == name]
        lines = [
            f"{item.fact}: mock {item.mock} | platform {item.platform}{_judged(item)}" for item in aspects
        ]
        failing = [item.fact for item in aspects if item.fails]
        failure = f"{len(failing)} differences that fail: {', '.join(failing)}" if failing else None
        cases.append(Case("compare", name, "\n".join(lines), failure=failure))
    return cases


def _judged(item: Difference) -> str:
    """` (severity, kind: why[, accepted: ...])` of a difference; nothing for a fact both share."""
    if item.same:
        return ""
    said = f"{item.severity}, {item.kind}" + (f": {item.why}" if item.why else "")
    return f" ({said}{'; accepted: ' + item.accepted if item.accepted else ''})"


def _stopped_case(line: str) -> Case:
    from .junit import Case

    return Case("compare", "comparison", line, error=line)


def run_compare(
    args: argparse.Namespace, *, environ: Mapping[str, str], stdin: IO[str], out: IO[str], err: IO[str]
) -> int:
    from contract_tests.redaction import redact
    from contract_tests.settings import ConfigError
    from mockserver import ConfigError as MockConfigError

    from .probe_client import Unreachable

    target = described(args, environ, "the platform")
    try:
        settings = resolve_target(args, environ, stdin).settings
        target = settings.base_url or target
        return _compare(settings, args, out)
    except (ConfigError, MockConfigError, ValueError, Unreachable) as error:
        err.write(f"authcontract compare: {redact(str(error))}\n")
        _write_reports(args, target, Exit.NO_VERDICT, [], str(error))
    except KeyboardInterrupt:  # main() says so in one line; the reports say it too
        _write_reports(args, target, Exit.NO_VERDICT, [], "interrupted (Ctrl-C): no verdict")
        raise
    except EOFError:
        _write_reports(args, target, Exit.NO_VERDICT, [], "no answer at the credentials prompt: no verdict")
        raise
    return Exit.NO_VERDICT
