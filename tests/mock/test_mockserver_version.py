"""`mockserver --version` reads the installed distribution's version and imports nothing of the
`authcontract` package above it (ARCHITECTURE.md: imports point downward)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest

pytestmark = pytest.mark.processes  # every test here starts a process

PROBE = """
import contextlib, io, sys
from mockserver.cli import build_parser
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
    build_parser().parse_args(["--version"])
print(out.getvalue().strip())
print(sorted(name for name in sys.modules if name.split(".")[0] == "authcontract"))
"""


def test_mockserver_version_is_the_distributions_and_imports_no_authcontract() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    printed, imported = result.stdout.splitlines()
    assert printed == f"mockserver {version('authcontract')}"
    assert imported == "[]"
