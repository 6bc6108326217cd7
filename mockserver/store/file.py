"""State shared by the worker processes of one host, in a directory: nothing to install.

The generation is an 8-byte counter in a memory-mapped file, so checking it costs no system
call. The document is a JSON file replaced atomically under an exclusive flock. Each process
keeps its journal entries (marshal records, see `_record`) in a memory-mapped file of its own, of
fixed size (`journal_ring.py`), so a long load test does not fill the disk and recording an entry
costs no system call; reading merges every worker's.

The document holds the signing key: whoever reads or replaces it can forge tokens. So every
directory made here is created 0700 and every file 0600 (never widened by the umask, never chmod-ed
afterwards); a directory that exists already is used only if it belongs to this user and is closed
to group and others, and every directory above it only if no other user could replace it; and once
open, the directory is reached only through its descriptor (`private_dir.py`). Otherwise the mock
refuses to start.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import marshal
import mmap
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from . import JOURNAL_BYTES, Document, EntryContent
from .journal_ring import RECORD, JournalRing, read_records
from .private_dir import PrivateDirectory, UnsafeStateDirectory

__all__ = ["FileBackend", "UnsafeStateDirectory"]

T = TypeVar("T")
_COUNTER_BYTES = 8
_JOURNAL_SUFFIX = ".journal"
_DOCUMENT = "state.json"
_OVERSIZED = {"headers": {}, "form": {}, "truncated": True}  # what an entry larger than a segment keeps


class FileBackend:
    def __init__(
        self,
        directory: str,
        initial: Callable[[], Document],
        journal_size: int,
        journal_bytes: int = JOURNAL_BYTES,
    ) -> None:
        self._dir = PrivateDirectory.open(directory)
        self._journal_dir = self._dir.subdirectory("journal")
        self._journal_size = journal_size
        self._journal_bytes = journal_bytes  # per worker's file on disk, and in what journal() returns
        with self._locked():
            if not self._dir.exists(_DOCUMENT):
                self._write(initial())
            self._counter = _MappedCounter(self._dir, "generation")
            self._clears = _MappedCounter(self._dir, "journal-clears")  # the journal's clears so far
        self._ring: JournalRing | None = None
        self._ring_pid = 0
        self._journal_lock = threading.Lock()

    def generation(self) -> int:
        return self._counter.cell[0]

    def load(self) -> tuple[int, Document]:
        generation = self.generation()
        return generation, json.loads(self._dir.read_bytes(_DOCUMENT))

    def update(self, change: Callable[[Document], T]) -> T:
        with self._locked():
            document = json.loads(self._dir.read_bytes(_DOCUMENT))
            result = change(document)
            self._write(document)
            self._counter.bump()
            return result

    def append_journal(self, seq: int, time: float, entry: EntryContent) -> None:
        """No system call: the entry is readable by every worker as soon as it returns. An entry
        larger than half the budget keeps its stamp and request line, `truncated`."""
        record = _record(seq, time, entry.encoded(marshal.dumps))  # encoded once per look-alike entry
        clears = self._clears.cell[0]
        with self._journal_lock:  # a worker's threads share its file
            ring = self._own_ring()
            if not ring.append(record, clears):
                ring.append(_record(seq, time, marshal.dumps(entry.fields | _OVERSIZED)), clears)

    def journal(self) -> list[dict[str, Any]]:
        """The newest entries of every worker, within `journal_size` entries and `journal_bytes`."""
        clears = self._clears.cell[0]
        journal = self._journal_dir
        records = [
            record
            for name in journal.names(_JOURNAL_SUFFIX)
            for record in read_records(journal, name, clears)
        ]
        stamps = [RECORD.unpack_from(record) for record in records]
        order = sorted(range(len(records)), key=lambda index: stamps[index][1])[-self._journal_size :]
        kept = order[
            len(order) - _newest_within([len(records[index]) for index in order], self._journal_bytes) :
        ]
        return [entry for index in kept if (entry := _entry(records[index], stamps[index])) is not None]

    def clear_journal(self) -> None:
        """Every worker's file is left unread from now on; its writer empties it before its next entry."""
        with self._locked():
            self._clears.bump()

    def close(self) -> None:
        self._counter.close()
        self._clears.close()
        if self._ring is not None and self._ring_pid == os.getpid():
            self._ring.close()
            self._ring = None
        self._journal_dir.close()
        self._dir.close()

    def _own_ring(self) -> JournalRing:
        """One file per process and opening: a file has one writer, so workers (and two openings of one
        store in a process) never write into each other's."""
        if self._ring is None or self._ring_pid != _this_process[0]:  # not os.getpid(): a system call
            name = f"{_this_process[0]}-{next(_openings)}{_JOURNAL_SUFFIX}"
            self._ring = JournalRing(self._journal_dir, name, self._journal_bytes, self._journal_size)
            self._ring_pid = _this_process[0]
        return self._ring

    def _write(self, document: Document) -> None:
        self._dir.replace(_DOCUMENT, json.dumps(document).encode())

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock = self._dir.open_file("lock", os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        finally:
            os.close(lock)  # closing releases the lock


class _MappedCounter:
    """An 8-byte counter every process of the host shares, in the machine's byte order: read without
    a system call (a memory read), moved only under the store's lock."""

    def __init__(self, directory: PrivateDirectory, name: str) -> None:
        descriptor = directory.open_file(name, os.O_RDWR | os.O_CREAT)
        try:
            if os.fstat(descriptor).st_size < _COUNTER_BYTES:
                os.write(descriptor, bytes(_COUNTER_BYTES))
            self._map = mmap.mmap(descriptor, _COUNTER_BYTES)
        finally:
            os.close(descriptor)  # the mapping keeps the file
        self.cell = memoryview(self._map).cast("Q")  # cell[0] is the count

    def bump(self) -> None:
        self.cell[0] += 1

    def close(self) -> None:
        self.cell.release()  # a mapping with a view on it cannot be closed
        self._map.close()


_this_process = [os.getpid()]  # this process's id, set again in a forked child
_openings = itertools.count()  # journal files this process has opened


def _forked() -> None:
    _this_process[0] = os.getpid()


os.register_at_fork(after_in_child=_forked)


def _newest_within(sizes: list[int], budget: int) -> int:
    """How many of the newest items (the last sizes) fit in `budget` bytes; the newest always does."""
    count, total = 0, 0
    for size in reversed(sizes):
        total += size
        if total > budget and count:
            break
        count += 1
    return count


def _record(seq: int, time: float, fields: bytes) -> bytes:
    """The entry's fields in marshal's format after their length and stamp. JSON cost every request
    three times as much (its float and its keys); the files are read only by this mock's own
    workers, in its private directory, with the same Python."""
    return RECORD.pack(RECORD.size + len(fields), seq, time) + fields


def _entry(record: bytes, stamp: tuple[int, int, float]) -> dict[str, Any] | None:
    """The entry of a record; None for one that does not decode (a writer's bytes not yet visible)."""
    try:
        entry = marshal.loads(record[RECORD.size :])  # noqa: S302 - our own workers' records
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(entry, dict):
        return None
    entry["seq"], entry["time"] = stamp[1], stamp[2]
    return entry
