"""The `authcontract` command: the mock, the contract suite and a drift check, for people who write no Python.

`authcontract mock` serves the mock, `authcontract check` runs the contract suite against a platform
and prints a table of checks with a verdict, `authcontract compare` probes the mock and a platform
alike and shows where they differ.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:  # pyproject.toml is the one place the version is written
    __version__ = version("authcontract")
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"
