"""Every data-plane route answers, journals and logs a broad matrix of requests exactly as recorded
(tests/mock/golden/data_plane.json, recorded by tests/mock/data_plane_cases.py before the request pipeline was
rebuilt): status, headers in order, body, journal entries and log lines."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .data_plane_cases import CASES, GOLDEN, run

RECORDED: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_every_case_is_recorded() -> None:
    assert sorted(RECORDED) == sorted(CASES)


@pytest.mark.parametrize("name", CASES)
def test_a_request_is_answered_journaled_and_logged_as_recorded(name: str) -> None:
    assert run(name) == RECORDED[name]
