"""`authcontract check --list`: every check of the suite, with the id `-k` selects, its tier and clause.

Generated from the suite itself: its tests are collected (`pytest --collect-only`, nothing sent to
any target) with the recorder, which reads each check's title, clause and tier as the table does.
"""

from __future__ import annotations

import argparse
import tempfile
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from .results import LEVELS, CheckResult
from .suite import read_summary, run_suite, suite_command
from .table import terminal_width
from .text import printable

__all__ = ["list_checks", "render_list"]


def render_list(results: tuple[CheckResult, ...], width: int) -> str:
    """One block per check, by tier then in the suite's order: `id  tier  clause`, the title below."""
    tiers = {level: index for index, level in enumerate(LEVELS)}
    ordered = sorted(results, key=lambda result: tiers.get(result.level, len(tiers)))
    name_width = max((len(result.name) for result in ordered), default=2)
    lines = [f"{'ID (for -k)':<{name_width}}  {'TIER':<8}  CLAUSE", "-" * min(width, name_width + 40)]
    for result in ordered:
        lines.append(
            printable(f"{result.name:<{name_width}}  {result.level:<8}  {result.reference}").rstrip()
        )
        lines += textwrap.wrap(
            printable(result.title), max(30, width - 4), initial_indent="    ", subsequent_indent="    "
        )
    tally = ", ".join(f"{sum(r.level == level for r in ordered)} {level}" for level in LEVELS)
    return "\n".join([*lines, "", f"{len(ordered)} checks ({tally})"])


def list_checks(args: argparse.Namespace, environ: Mapping[str, str], out: IO[str], err: IO[str]) -> int:
    """Collect the suite (with `-k` if given) and print its checks; 0, or 2 if nothing was collected."""
    chosen = argparse.Namespace(keyword=args.keyword, junitxml=None)  # no target setting: none is sent
    env = {name: value for name, value in environ.items() if not name.startswith(("CONTRACT_", "PYTEST_"))}
    with tempfile.TemporaryDirectory(prefix="authcontract-") as name:
        work = Path(name)
        run_suite([*suite_command(chosen, work), "--collect-only"], env, work, err)
        results = read_summary(work, "the suite").results
    if not results:
        err.write("authcontract check: no check matches the -k expression\n")
        return 2
    out.write(render_list(results, terminal_width()) + "\n")
    return 0
