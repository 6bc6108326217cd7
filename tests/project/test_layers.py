"""ARCHITECTURE.md's rule 10, read from the source: imports point down the layers, never up.

The fixtures' loaders (`data.py`, `schemas.py`) sit under everything; `core/` imports neither the
Flask edge nor the servers; `http/` never imports `serving/` or `app.py`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "mockserver"


def _mockserver_imports(path: Path) -> set[str]:
    """The mockserver modules `path` imports, as dotted names ("mockserver.core.users")."""
    module = ["mockserver", *path.relative_to(PACKAGE).with_suffix("").parts]
    package = module if path.name == "__init__.py" else module[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] == "mockserver"}


def _modules(under: str) -> list[Path]:
    root = PACKAGE / under
    return sorted(root.rglob("*.py")) if root.is_dir() else [root]


def _starts(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


LOADERS = ("mockserver.data", "mockserver.schemas")

RULES = [
    ("data.py", LOADERS),
    ("schemas.py", LOADERS),
]
FORBIDDEN = [
    # the one typed Settings is read before anything is built from it: it knows no core, edge or server
    (
        "settings.py",
        ("mockserver.core", "mockserver.store", "mockserver.http", "mockserver.serving", "mockserver.app"),
    ),
    ("core", ("mockserver.http", "mockserver.serving", "mockserver.app")),
    ("http", ("mockserver.serving", "mockserver.app")),
]


@pytest.mark.parametrize(("module", "allowed"), RULES, ids=[rule[0] for rule in RULES])
def test_the_fixture_loaders_import_nothing_above_them(module: str, allowed: tuple[str, ...]) -> None:
    for path in _modules(module):
        upward = {name for name in _mockserver_imports(path) if not _starts(name, allowed)}
        assert not upward, f"{path.relative_to(PACKAGE)} imports {sorted(upward)}"


@pytest.mark.parametrize(("layer", "above"), FORBIDDEN, ids=[rule[0] for rule in FORBIDDEN])
def test_a_layer_imports_nothing_above_it(layer: str, above: tuple[str, ...]) -> None:
    for path in _modules(layer):
        upward = {name for name in _mockserver_imports(path) if _starts(name, above)}
        assert not upward, f"{path.relative_to(PACKAGE)} imports {sorted(upward)}"


def test_settings_reads_the_schemas_beside_the_fixtures_not_in_core() -> None:
    assert not (PACKAGE / "core" / "schemas.py").exists()
    assert "mockserver.schemas" in _mockserver_imports(PACKAGE / "settings.py")
