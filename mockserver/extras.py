"""The optional parts of the install, imported on use: a missing one is one line naming its extra.

`pip install authcontract` brings the mock (in a test thread) and the pytest plugin only, so a
project that installs it for its fixtures does not pay for schemathesis, granian or redis, nor for
faker's pytest plugin at every start (the bundled routes ship pre-rendered: fixtures/).
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["EXTRAS", "MissingExtra", "require"]

# extra -> (what it adds, the modules it brings)
EXTRAS = {
    "fake": ("faker-made users (--fake-users) and route bodies from placeholders", ("faker",)),
    "suite": ("the contract suite, `authcontract check` and `compare`", ("schemathesis", "hypothesis")),
    "serve": ("the granian server (`make run`, `mockserver`, `authcontract mock`)", ("granian",)),
    "redis": ("the Redis store (--store redis://)", ("redis",)),
    "tls": ("HTTPS under a test CA made at start (--tls)", ("trustme",)),
    "load": ("`authcontract load`, the contract checked under Locust's load", ("locust",)),
}


class MissingExtra(ImportError):
    """An optional part is used but its extra is not installed; the message is the one line to show."""


def require(module: str, extra: str, purpose: str | None = None) -> ModuleType:
    """Import `module`, or raise MissingExtra saying which extra brings it (and what for: `purpose`,
    else the extra's own description)."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        if error.name is None or error.name.split(".")[0] != module.split(".")[0]:
            raise  # the module is there but something it needs is broken: not a missing extra
        purpose = purpose or EXTRAS[extra][0]
        raise MissingExtra(
            f"{purpose} needs {module}, which comes with the '{extra}' extra: "
            f"pip install 'authcontract[{extra}]'"
        ) from None
