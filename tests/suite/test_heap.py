"""The suite freezes the import heap once per process, not once per run (see contract_tests/heap.py)."""

from __future__ import annotations

import gc

from contract_tests.heap import freeze_once


def test_the_heap_is_frozen_once_per_process() -> None:
    freeze_once()
    frozen = gc.get_freeze_count()
    later = [[index] for index in range(100)]  # tracked objects born after the freeze
    freeze_once()
    assert frozen > 0
    assert gc.get_freeze_count() == frozen, "a second freeze would keep this run's garbage for good"
    assert len(later) == 100
