"""The libraries the suite drives load without pytest's assertion rewriting (contract_tests/plain_imports.py).

A later pytest session in the same process is the proof that what pytest checks stays rewritten:
every test of tests/suite runs the suite in-process again, under `filterwarnings = error`.
"""

from __future__ import annotations

import sys

import pytest

from contract_tests.plain_imports import PlainImports, install


@pytest.mark.parametrize(
    "name",
    ["schemathesis.specs.openapi.schemas", "hypothesis.strategies", "faker.providers", "anyio.abc"],
)
def test_submodules_are_found_plainly(name: str) -> None:
    spec = PlainImports().find_spec(name, _parent_path(name))
    assert spec is not None
    assert type(spec.loader).__name__ == "SourceFileLoader"


@pytest.mark.parametrize(
    "name",
    ["schemathesis", "hypothesis", "schemathesis.pytest.plugin", "anyio.pytest_plugin", "requests.models"],
    ids=["top-schemathesis", "top-hypothesis", "schemathesis-plugin", "anyio-plugin", "other-package"],
)
def test_top_modules_plugins_and_other_packages_are_left_to_pytest(name: str) -> None:
    assert PlainImports().find_spec(name, _parent_path(name)) is None


def test_install_puts_the_finder_first_and_takes_it_off() -> None:
    before = list(sys.meta_path)  # a run that collects contract_tests too has the suite's own finder
    uninstall = install()
    try:
        assert isinstance(sys.meta_path[0], PlainImports)
        assert sys.meta_path[1:] == before
    finally:
        uninstall()
    assert sys.meta_path == before
    uninstall()  # twice is harmless: pytest's cleanup may run after an early exit
    assert sys.meta_path == before


def _parent_path(name: str) -> list[str] | None:
    parent = name.rpartition(".")[0]
    if not parent:
        return None
    __import__(parent)
    return list(sys.modules[parent].__path__)
