"""The file store's journal: each opening writes a memory-mapped file of its own, every opening reads
them all, a clear from any one of them holds for all, and an entry larger than its file's segment
still leaves its trace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.core.shared import initial_document
from mockserver.store import Backend, EntryContent, open_backend


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[Backend, Backend]]:
    """Two openings of one store, as two workers of a served mock have."""
    first = open_backend(f"file://{tmp_path}", initial_document, journal_size=100)
    second = open_backend(f"file://{tmp_path}", initial_document, journal_size=100)
    yield first, second
    first.close()
    second.close()


def entry(path: str) -> EntryContent:
    return EntryContent({"path": path, "headers": {"X-Big": "b" * 10}, "form": {}, "truncated": False})


def paths(backend: Backend) -> list[str]:
    return [kept["path"] for kept in backend.journal()]


def test_each_opening_keeps_its_own_entries_and_reads_all(two_workers: tuple[Backend, Backend]) -> None:
    first, second = two_workers
    for seq, (writer, path) in enumerate([(first, "/a"), (second, "/b"), (first, "/c"), (second, "/d")]):
        writer.append_journal(seq, float(seq), entry(path))
    assert paths(first) == paths(second) == ["/a", "/b", "/c", "/d"]


def test_a_clear_from_one_opening_holds_for_every_one(two_workers: tuple[Backend, Backend]) -> None:
    first, second = two_workers
    first.append_journal(1, 1.0, entry("/before"))
    second.clear_journal()
    assert paths(first) == paths(second) == []
    first.append_journal(2, 2.0, entry("/after"))
    assert paths(second) == ["/after"]


def test_a_file_holds_the_newest_entries_as_its_segments_turn(tmp_path: Path) -> None:
    backend = open_backend(f"file://{tmp_path}", initial_document, journal_size=1000, journal_bytes=8192)
    try:
        for seq in range(500):
            backend.append_journal(seq, float(seq), entry(f"/{seq}"))
        kept = paths(backend)
        assert kept[-1] == "/499"
        assert kept == [f"/{seq}" for seq in range(500 - len(kept), 500)]  # no gap, oldest first
        assert 40 <= len(kept) < 500
    finally:
        backend.close()


def test_an_entry_larger_than_a_segment_keeps_its_stamp_and_request_line(tmp_path: Path) -> None:
    backend = open_backend(f"file://{tmp_path}", initial_document, journal_size=10, journal_bytes=4096)
    try:
        huge = EntryContent({"path": "/me", "headers": {"X-Big": "b" * 5000}, "form": {}, "truncated": False})
        backend.append_journal(7, 7.0, huge)
        (kept,) = backend.journal()
        assert (kept["seq"], kept["time"], kept["path"]) == (7, 7.0, "/me")
        assert (kept["headers"], kept["truncated"]) == ({}, True)
    finally:
        backend.close()
