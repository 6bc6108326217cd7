"""The contract suite: checks the bundled mock, or any live platform, against the documented contract.

`pytest contract_tests` runs it; `plugin.py` chooses the target, the `test_*.py` modules hold one
clause per test and never ask which kind of target they face.
"""

from __future__ import annotations

__all__: list[str] = []
