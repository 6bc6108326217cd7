"""Where the mock's mutable state lives, so several workers or hosts behave as one mock.

A backend keeps one small JSON document (clock offset, signing key, revocations, added users,
faults, failed logins) with a generation counter, and the request journal. Workers read the
document only when the generation moves, so the hot path costs one counter read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

__all__ = ["JOURNAL_BYTES", "Backend", "Document", "EntryContent", "encode_entry", "open_backend"]

Document = dict[str, Any]
JOURNAL_BYTES = 4 * 1024 * 1024  # the journal's default byte budget (Settings.journal_bytes)
T = TypeVar("T")
# One encoder for every journal line: json.dumps with separators builds a new encoder per call.
encode_entry = json.JSONEncoder(separators=(",", ":")).encode
Encoder = Callable[[dict[str, Any]], Any]


class EntryContent:
    """A journal entry less its stamp (its time and order): fields never changed once built, so that
    requests that look alike share one, and the encoding the store made of them, made once."""

    __slots__ = ("_encoding", "fields")

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields
        self._encoding: tuple[Encoder, Any] | None = None

    def encoded(self, encode: Encoder) -> Any:
        """`encode(fields)`, remembered for the last encoder asked (a process has one store)."""
        encoding = self._encoding  # one attribute, so threads sharing the content see a matching pair
        if encoding is None or encoding[0] is not encode:
            encoding = (encode, encode(self.fields))
            self._encoding = encoding
        return encoding[1]


class Backend(Protocol):
    def generation(self) -> int:
        """A number that changes whenever the document does; cheap to read."""

    def load(self) -> tuple[int, Document]:
        """The generation and a private copy of the document."""

    def update(self, change: Callable[[Document], T]) -> T:
        """Apply `change` to the document atomically, for every worker, and move the generation."""

    def append_journal(self, seq: int, time: float, entry: EntryContent) -> None:
        """Keep the entry stamped with its `time` and `seq` (its order among every worker's entries),
        and the newest entries within the count and the bytes; the newest always stays."""

    def journal(self) -> list[dict[str, Any]]:
        """The entries kept, oldest first: each one's fields with its `time` and `seq`."""

    def clear_journal(self) -> None: ...

    def close(self) -> None: ...


def open_backend(
    url: str, initial: Callable[[], Document], journal_size: int, journal_bytes: int = JOURNAL_BYTES
) -> Backend:
    """`memory:` (one process), `file:///dir` (workers of one host), `redis://host:port/db` (hosts)."""
    if url == "memory:":
        from .memory import MemoryBackend

        return MemoryBackend(initial, journal_size, journal_bytes)
    if url.startswith("file://"):
        from .file import FileBackend

        return FileBackend(url.removeprefix("file://"), initial, journal_size, journal_bytes)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from .redis import RedisBackend

        return RedisBackend(url, initial, journal_size, journal_bytes)
    raise ValueError(f"unsupported store {url!r}: use memory:, file:///path or redis://host:port/db")
