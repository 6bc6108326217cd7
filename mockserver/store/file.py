"""State shared by the worker processes of one host, in a directory: nothing to install.

The generation is an 8-byte counter in a memory-mapped file, so checking it costs no system
call. The document is a JSON file replaced atomically under an exclusive flock. Each process
appends its journal entries (marshal records, see `_record`) to a file of its own, trimmed to the
newest entries as it grows so that a long load test does not fill the disk; reading merges them.

The document holds the signing key: whoever reads or replaces it can forge tokens. So every
directory made here is created 0700 and every file 0600 (never widened by the umask, never chmod-ed
afterwards); a directory that exists already is used only if it belongs to this user and is closed
to group and others, and every directory above it only if no other user could replace it; and once
open, the directory is reached only through its descriptor (`private_dir.py`). Otherwise the mock
refuses to start.
"""

from __future__ import annotations

import fcntl
import json
import marshal
import mmap
import os
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from . import JOURNAL_BYTES, Document
from .private_dir import PrivateDirectory, UnsafeStateDirectory

__all__ = ["FileBackend", "UnsafeStateDirectory"]

T = TypeVar("T")
_COUNTER = struct.Struct("<Q")
_LENGTH = struct.Struct("<I")  # before each journal record
_JOURNAL_SUFFIX = ".journal"
_DOCUMENT = "state.json"
_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT


class FileBackend:
    weighs_journal = False  # counts the bytes of the lines it writes

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
            counter = self._dir.open_file("generation", os.O_RDWR | os.O_CREAT)
            try:
                if os.fstat(counter).st_size < _COUNTER.size:
                    os.write(counter, _COUNTER.pack(0))
                self._counter = mmap.mmap(counter, _COUNTER.size)
            finally:
                os.close(counter)  # the mapping keeps the file
        self._journal_fd = -1
        self._journal_pid = 0
        self._journal_records = 0
        self._journal_written = 0  # bytes of this process's file
        self._journal_lock = threading.Lock()

    def generation(self) -> int:
        return _COUNTER.unpack_from(self._counter)[0]

    def load(self) -> tuple[int, Document]:
        generation = self.generation()
        return generation, json.loads(self._dir.read_bytes(_DOCUMENT))

    def update(self, change: Callable[[Document], T]) -> T:
        with self._locked():
            document = json.loads(self._dir.read_bytes(_DOCUMENT))
            result = change(document)
            self._write(document)
            _COUNTER.pack_into(self._counter, 0, self.generation() + 1)
            return result

    def append_journal(self, entry: dict[str, Any], weight: int) -> None:
        """One unbuffered write: the entry is readable by every worker as soon as it returns.

        Locked because a worker's threads share the file, and trimming replaces it. The file is
        trimmed to half its budgets when it reaches twice `journal_size` records or `journal_bytes`.
        """
        record = _record(entry)
        with self._journal_lock:
            os.write(self._own_journal(), record)
            self._journal_records += 1
            self._journal_written += len(record)
            if self._journal_records >= 2 * self._journal_size or self._journal_written > self._journal_bytes:
                self._trim_own_journal()

    def journal(self) -> list[dict[str, Any]]:
        """The newest entries of every worker, within `journal_size` entries and `journal_bytes`."""
        journal = self._journal_dir
        records = [record for name in journal.names(_JOURNAL_SUFFIX) for record in _records(journal, name)]
        # our own workers' records, in a directory only this user can write (checked at start)
        entries = [marshal.loads(record[_LENGTH.size :]) for record in records]  # noqa: S302
        order = sorted(range(len(entries)), key=lambda index: entries[index]["seq"])[-self._journal_size :]
        kept = _newest_within([len(records[index]) for index in order], self._journal_bytes)
        return [entries[index] for index in order[len(order) - kept :]]

    def clear_journal(self) -> None:
        with self._locked():
            for name in self._journal_dir.names(_JOURNAL_SUFFIX):
                descriptor = self._journal_dir.open_file(name, os.O_WRONLY)
                try:
                    os.ftruncate(descriptor, 0)
                finally:
                    os.close(descriptor)

    def close(self) -> None:
        self._counter.close()
        if self._journal_pid == os.getpid():
            os.close(self._journal_fd)
            self._journal_pid = 0
        self._journal_dir.close()
        self._dir.close()

    def _own_journal(self) -> int:
        """One append-only file per process: workers never write into each other's."""
        if self._journal_pid != _this_process[0]:  # not os.getpid(): a system call per request
            self._journal_fd = self._journal_dir.open_file(self._own_journal_name(), _APPEND)
            self._journal_pid = os.getpid()
            records = _records(self._journal_dir, self._own_journal_name())
            self._journal_records = len(records)
            self._journal_written = sum(map(len, records))
        return self._journal_fd

    def _own_journal_name(self) -> str:
        return f"{os.getpid()}{_JOURNAL_SUFFIX}"

    def _trim_own_journal(self) -> None:
        """Keep this process's newest `journal_size` entries, in half its bytes; locked, so a clear is
        not undone."""
        name, journal = self._own_journal_name(), self._journal_dir
        with self._locked():
            records = _records(journal, name)[-self._journal_size :]
            kept = records[len(records) - _newest_within(list(map(len, records)), self._journal_bytes // 2) :]
            journal.replace(name, b"".join(kept))
            os.close(self._journal_fd)
            self._journal_fd = journal.open_file(name, _APPEND)
        self._journal_records = len(kept)
        self._journal_written = sum(map(len, kept))

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


_this_process = [os.getpid()]  # this process's id, set again in a forked child


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


def _record(entry: dict[str, Any]) -> bytes:
    """The entry in marshal's format after its length. JSON cost every request three times as much
    (its float and its keys); the files are read only by this mock's own workers, in its private
    directory, with the same Python."""
    data = marshal.dumps(entry)
    return _LENGTH.pack(len(data)) + data


def _records(directory: PrivateDirectory, name: str) -> list[bytes]:
    """The whole records of a journal file, each with its length; a torn last one is left out."""
    data = directory.read_bytes(name)
    found, offset = [], 0
    while offset + _LENGTH.size <= len(data):
        end = offset + _LENGTH.size + _LENGTH.unpack_from(data, offset)[0]
        if end > len(data):
            break
        found.append(data[offset:end])
        offset = end
    return found
