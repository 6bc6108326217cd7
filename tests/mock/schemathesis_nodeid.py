"""schemathesis 4.32's pytest integration (`schemathesis.pytest.from_fixture`) reads and sets
`Function._nodeid`, which pytest 9.2 replaced by a structured `_id` (`nodeid` is now read-only).

`install()` gives pytest 9.2's nodes a `_nodeid` property over `_id` again, so the one test that
uses that integration (tests/mock/test_openapi_conformance.py) runs on the newest pytest instead of
pyproject.toml capping everybody's pytest below 9.2. On an older pytest it changes nothing. The
contract suite itself drives schemathesis directly (contract_tests/conformance.py) and never
touches `_nodeid`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["install"]


def install() -> bool:
    """Add the `_nodeid` property where pytest has structured node ids; True if it was added."""
    from _pytest import nodes

    try:
        from _pytest.nodeid import coerce_node_id  # pytest >= 9.2
    except ImportError:
        return False  # `_nodeid` is still a plain attribute
    if isinstance(getattr(nodes.Node, "_nodeid", None), property):
        return False

    def get(node: Any) -> str:
        return node.nodeid

    def set_(node: Any, value: str) -> None:
        node._id = coerce_node_id(value)

    nodes.Node._nodeid = property(get, set_)  # type: ignore[attr-defined]
    return True
