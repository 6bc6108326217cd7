"""The `authcontract` command: `mock`, `check`, `compare` and `load`, for QA and CI, no Python needed.

`mock` hands its arguments to the mock's own command line (`python -m mockserver`), so its flags
and help are the mock's. The others import what they need only when chosen: `authcontract mock`
starts no pytest, `authcontract check` no Flask of its own.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Sequence
from typing import IO, cast

from contract_tests.exits import Exit
from mockserver.extras import EXTRAS, MissingExtra, require

from . import __version__

__all__ = ["INTERRUPTED", "build_parser", "main"]

INTERRUPTED = Exit.NO_VERDICT  # like every run that did not get to a verdict

# what `check` and `compare` run on, from the 'suite' extra
SUITE_MODULES = ("pytest", "schemathesis")
# the extra each command needs beyond a plain install (`load` brings the suite with Locust)
COMMAND_EXTRAS = {"check": "suite", "compare": "suite", "load": "load"}

COMMANDS = {
    "mock": "serve the mock: `python -m mockserver` and its flags (see `authcontract mock --help`)",
    "check": "run the contract suite against a platform (or the bundled mock); print checks and a verdict",
    "compare": "send the same probes to the bundled mock and a platform; show where their answers differ",
    "load": "load a platform (or the bundled mock) with Locust; judge every answer by the contract's clauses",
}


def _top_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = argparse.ArgumentParser(
        prog="authcontract",
        description="The platform's authentication contract: a mock, a check, a drift report.",
        epilog="Credentials come from CONTRACT_USERNAME / CONTRACT_PASSWORD, or are asked at a terminal; "
        "never from arguments.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("mock", help=COMMANDS["mock"], add_help=False)
    return parser, commands


def build_parser() -> argparse.ArgumentParser:
    """The full command line; its commands' modules need the 'suite' extra (pytest) to import."""
    from . import check, compare
    from .load import command as load

    parser, commands = _top_parser()
    check.add_arguments(commands.add_parser("check", help=COMMANDS["check"], description=COMMANDS["check"]))
    compare.add_arguments(
        commands.add_parser("compare", help=COMMANDS["compare"], description=COMMANDS["compare"])
    )
    load.add_arguments(commands.add_parser("load", help=COMMANDS["load"], description=COMMANDS["load"]))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["mock"]:
        from mockserver.cli import main as mock_main

        return mock_main(arguments[1:])
    try:
        parser = build_parser()
    except ImportError as error:  # a plain install: the commands' own modules import pytest
        if (error.name or "").split(".")[0] not in SUITE_MODULES:
            raise
        return _without_the_suite(arguments)
    args = parser.parse_args(arguments)
    try:
        for module in SUITE_MODULES:
            require(module, "suite")
        if args.command == "load":
            _require_locust()
    except MissingExtra as missing:
        print(f"authcontract {args.command}: {missing}", file=sys.stderr)
        return Exit.NO_VERDICT
    from .text import PrintableStream  # the platform's words never drive the terminal (issue 31 item 7)

    # IO[str] in all but name: what PrintableStream does not write itself it hands to the stream it wraps
    out, err = cast(IO[str], PrintableStream(sys.stdout)), cast(IO[str], PrintableStream(sys.stderr))
    try:
        if args.command == "load":
            from .load.command import run_load

            return run_load(args, environ=os.environ, stdin=sys.stdin, out=out, err=err)
        if args.command == "check":
            from .check import run_check

            return run_check(args, environ=os.environ, stdin=sys.stdin, out=out, err=err)
        from .compare import run_compare

        return run_compare(args, environ=os.environ, stdin=sys.stdin, out=out, err=err)
    except KeyboardInterrupt:  # Ctrl-C: at a prompt, while the suite runs or waits for expiry
        sys.stderr.write(f"authcontract {args.command}: interrupted (Ctrl-C): no verdict\n")
    except EOFError:  # Ctrl-D, or no more input, at a credentials prompt
        sys.stderr.write(f"authcontract {args.command}: no answer at the credentials prompt: no verdict\n")
    return INTERRUPTED


def _without_the_suite(arguments: list[str]) -> int:
    """A plain install: `--help` and `--version` answer; a command says in one line which extra it needs."""
    parser, commands = _top_parser()
    for name in COMMAND_EXTRAS:
        commands.add_parser(name, help=COMMANDS[name], add_help=False)
    args, _ = parser.parse_known_args(arguments)
    extra = COMMAND_EXTRAS[args.command]
    purpose = EXTRAS[extra][0]
    print(
        f"authcontract {args.command}: {purpose} needs pytest, which comes with the '{extra}' extra: "
        f"pip install 'authcontract[{extra}]'",
        file=sys.stderr,
    )
    return Exit.NO_VERDICT


def _require_locust() -> None:
    """Locust is looked for, not imported: importing it monkey-patches this process with gevent."""
    if importlib.util.find_spec("locust") is None:
        require("locust", "load")
