"""State shared by the worker processes of one host, in a directory: nothing to install.

The generation is an 8-byte counter in a memory-mapped file, so checking it costs no system
call. The document is a JSON file replaced atomically under an exclusive flock. Each process
appends its journal entries to a file of its own, trimmed to the newest entries as it grows so
that a long load test does not fill the disk; reading merges them.

The document holds the signing key: whoever reads it can forge tokens. So every directory made
here is created 0700 and every file 0600 (never widened by the umask, never chmod-ed afterwards),
and a directory that exists already is used only if it belongs to this user and is closed to
group and others; otherwise the mock refuses to start.
"""

from __future__ import annotations

import fcntl
import json
import mmap
import os
import stat
import struct
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from . import JOURNAL_BYTES, Document, encode_entry

__all__ = ["FileBackend", "UnsafeStateDirectory"]

T = TypeVar("T")
_COUNTER = struct.Struct("<Q")
_DIRECTORY_MODE = 0o700
_FILE_MODE = 0o600


class UnsafeStateDirectory(ValueError):
    """The state directory is another user's, or open to others: its key could be read or chosen."""


class FileBackend:
    weighs_journal = False  # counts the bytes of the lines it writes

    def __init__(
        self,
        directory: str,
        initial: Callable[[], Document],
        journal_size: int,
        journal_bytes: int = JOURNAL_BYTES,
    ) -> None:
        self._dir = Path(directory)
        _private_directory(self._dir)
        self._journal_dir = self._dir / "journal"
        _private_directory(self._journal_dir)
        self._journal_size = journal_size
        self._journal_bytes = journal_bytes  # per worker's file on disk, and in what journal() returns
        self._document_path = self._dir / "state.json"
        with self._locked():
            if not self._document_path.exists():
                self._write(initial())
            counter = os.open(self._dir / "generation", os.O_RDWR | os.O_CREAT, _FILE_MODE)
            try:
                if os.fstat(counter).st_size < _COUNTER.size:
                    os.write(counter, _COUNTER.pack(0))
            finally:
                os.close(counter)
        self._counter_file = (self._dir / "generation").open("r+b")
        self._counter = mmap.mmap(self._counter_file.fileno(), _COUNTER.size)
        self._journal_fd = -1
        self._journal_pid = 0
        self._journal_lines = 0
        self._journal_written = 0  # bytes of this process's file
        self._journal_lock = threading.Lock()

    def generation(self) -> int:
        return _COUNTER.unpack_from(self._counter)[0]

    def load(self) -> tuple[int, Document]:
        generation = self.generation()
        return generation, json.loads(self._document_path.read_bytes())

    def update(self, change: Callable[[Document], T]) -> T:
        with self._locked():
            document = json.loads(self._document_path.read_bytes())
            result = change(document)
            self._write(document)
            _COUNTER.pack_into(self._counter, 0, self.generation() + 1)
            return result

    def append_journal(self, entry: dict[str, Any], weight: int) -> None:
        """One unbuffered write: the entry is readable by every worker as soon as it returns.

        Locked because a worker's threads share the file, and trimming replaces it. The file is
        trimmed to half its budgets when it reaches twice `journal_size` lines or `journal_bytes`.
        """
        line = (encode_entry(entry) + "\n").encode()
        with self._journal_lock:
            os.write(self._own_journal(), line)
            self._journal_lines += 1
            self._journal_written += len(line)
            if self._journal_lines >= 2 * self._journal_size or self._journal_written > self._journal_bytes:
                self._trim_own_journal()

    def journal(self) -> list[dict[str, Any]]:
        """The newest entries of every worker, within `journal_size` entries and `journal_bytes`."""
        entries = [entry for path in self._journal_dir.glob("*.jsonl") for entry in _read_lines(path)]
        entries.sort(key=lambda entry: entry["seq"])
        sizes = [len(encode_entry(entry)) + 1 for entry in entries[-self._journal_size :]]
        return entries[len(entries) - _newest_within(sizes, self._journal_bytes) :]

    def clear_journal(self) -> None:
        with self._locked():
            for path in self._journal_dir.glob("*.jsonl"):
                os.truncate(path, 0)

    def close(self) -> None:
        self._counter.close()
        self._counter_file.close()
        if self._journal_pid == os.getpid():
            os.close(self._journal_fd)
            self._journal_pid = 0

    def _own_journal(self) -> int:
        """One append-only file per process: workers never write into each other's."""
        if self._journal_pid != os.getpid():
            self._journal_fd = _open_for_append(self._own_journal_path())
            self._journal_pid = os.getpid()
            written = self._own_journal_path().read_bytes()
            self._journal_lines = written.count(b"\n")
            self._journal_written = len(written)
        return self._journal_fd

    def _own_journal_path(self) -> Path:
        return self._journal_dir / f"{os.getpid()}.jsonl"

    def _trim_own_journal(self) -> None:
        """Keep this process's newest `journal_size` entries, in half its bytes; locked, so a clear is
        not undone."""
        path = self._own_journal_path()
        with self._locked():
            lines = path.read_bytes().splitlines(keepends=True)[-self._journal_size :]
            kept = lines[len(lines) - _newest_within(list(map(len, lines)), self._journal_bytes // 2) :]
            _replace_privately(path, b"".join(kept))
            os.close(self._journal_fd)
            self._journal_fd = _open_for_append(path)
        self._journal_lines = len(kept)
        self._journal_written = sum(map(len, kept))

    def _write(self, document: Document) -> None:
        _replace_privately(self._document_path, json.dumps(document).encode())

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock = os.open(self._dir / "lock", os.O_RDWR | os.O_CREAT, _FILE_MODE)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        finally:
            os.close(lock)  # closing releases the lock


def _private_directory(path: Path) -> None:
    """Create `path` and its missing parents 0700, or check that the existing one is private."""
    missing = []
    for candidate in (path, *path.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for directory in reversed(missing):
        with suppress(FileExistsError):  # another worker made it in between: checked below
            os.mkdir(directory, _DIRECTORY_MODE)
    status = os.stat(path)
    if not stat.S_ISDIR(status.st_mode):
        raise UnsafeStateDirectory(f"the state directory {path} is not a directory")
    if status.st_uid != os.geteuid():
        raise UnsafeStateDirectory(
            f"the state directory {path} belongs to another user (uid {status.st_uid}), who could read "
            "or choose the signing key: use a directory of your own"
        )
    if status.st_mode & 0o077:
        raise UnsafeStateDirectory(
            f"the state directory {path} is open to other users (mode {stat.S_IMODE(status.st_mode):04o}), "
            "who could read the signing key: make it 0700 (chmod 700) or use another"
        )


def _replace_privately(path: Path, data: bytes) -> None:
    """Write a 0600 temporary file beside `path`, then rename it over `path` atomically."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _newest_within(sizes: list[int], budget: int) -> int:
    """How many of the newest items (the last sizes) fit in `budget` bytes; the newest always does."""
    count, total = 0, 0
    for size in reversed(sizes):
        total += size
        if total > budget and count:
            break
        count += 1
    return count


def _open_for_append(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, _FILE_MODE)


def _read_lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.endswith("\n"):
                yield json.loads(line)
