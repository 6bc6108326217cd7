"""The mock's tests: served mocks shared by a module (tests/mock/served.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from .served import Mocks


@pytest.fixture(scope="module")
def mocks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mocks]:
    with ExitStack() as stack:
        yield Mocks(stack, tmp_path_factory.mktemp("logs"))


@pytest.fixture(scope="module")
def impatient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mocks]:
    """Mocks that wait one second for a silent client."""
    with ExitStack() as stack:
        yield Mocks(stack, tmp_path_factory.mktemp("logs"), "--read-timeout", "1", "--quiet")
