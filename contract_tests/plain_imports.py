"""The libraries the suite drives are imported as Python imports them, not through pytest's assert rewriter.

pytest rewrites the asserts of every module of a distribution that registers a pytest plugin
(schemathesis, hypothesis, faker and anyio all do), and reads each back from its own cache with
`marshal.load` on an open file: thousands of small reads per module, a large share of a run
against the bundled mock (bench/FINDINGS.md has the count). The suite asserts nothing through
their code: its checks raise their own errors. So a finder ahead of pytest's hands their submodules to
Python's path finder; a module imported before it was installed (a plugin pytest loaded at start)
stays as it was, and one the path finder cannot find goes on to pytest's finder as before.

Each package's top module and its pytest integration (`schemathesis.pytest`, `anyio.pytest_plugin`)
are left to pytest: a later pytest session in the same process (`pytest.main`, pytester, the
proof platforms in tests/suite) marks those names for rewriting again and warns, an error
under `filterwarnings = error`, if it finds them imported without.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType

__all__ = ["PLAIN_PACKAGES", "PlainImports", "install"]

# what the suite (and, for faker, the bundled mock) imports of packages that ship a pytest plugin
PLAIN_PACKAGES = frozenset({"anyio", "faker", "hypothesis", "schemathesis"})


class PlainImports(MetaPathFinder):
    """Finds the submodules of `packages` the way the interpreter would without pytest's finder."""

    def __init__(self, packages: frozenset[str] = PLAIN_PACKAGES) -> None:
        self.packages = packages

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        package, dot, rest = fullname.partition(".")
        if not dot or package not in self.packages or "pytest" in rest:
            return None
        return PathFinder.find_spec(fullname, path, target)


def install(packages: frozenset[str] = PLAIN_PACKAGES) -> Callable[[], None]:
    """Put a PlainImports first on `sys.meta_path`; returns what takes it off again."""
    finder = PlainImports(packages)
    sys.meta_path.insert(0, finder)

    def uninstall() -> None:
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)

    return uninstall
