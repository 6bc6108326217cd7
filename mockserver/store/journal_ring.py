"""One worker's journal in a memory-mapped file of fixed size: written without a system call, read
by every worker.

The file is a header and two segments. Its one writer (the worker that owns it) appends records to
the active segment; when that segment is full, in bytes or in records, the writer empties the other
one and makes it the active one. So the file always holds the newest records, between one and two
segments' worth, and never grows: its size is the journal's byte budget.

A reader copies a segment between two reads of its epoch, which the writer bumps whenever it empties
the segment: a segment emptied during the copy is left out, and a record counts only once the
segment's `used` covers it, which the writer moves after the record's bytes. A store-wide count of
clears (`clears`) empties the journal without touching the files: a file written before the latest
clear is not read, and its writer empties it before its next record.
"""

from __future__ import annotations

import mmap
import os
import struct
from typing import Any

from .private_dir import PrivateDirectory

__all__ = ["RECORD", "JournalRing", "read_records"]

RECORD = struct.Struct("<Iqd")  # the record's length (this prefix included), its seq, its time
_MAGIC = b"acjring1"
_HEADER = struct.Struct("<8sQQQ")  # magic, segment bytes, clears seen, active segment
_SEGMENT = struct.Struct("<QQQ")  # epoch, bytes used, records held
_FILLED = struct.Struct("<QQ")  # bytes used, records held: a segment's header after its epoch
_HEADER_BYTES = 64
_SEGMENT_HEADER_BYTES = 32
_MIN_SEGMENT_BYTES = 1024


def segment_bytes(budget: int) -> int:
    """Each segment's data, so that the whole file takes `budget` bytes (a tiny budget, a little more)."""
    return max((budget - _HEADER_BYTES - 2 * _SEGMENT_HEADER_BYTES) // 2, _MIN_SEGMENT_BYTES)


def _file_bytes(segment: int) -> int:
    return _HEADER_BYTES + 2 * (_SEGMENT_HEADER_BYTES + segment)


def _segment_at(index: int, segment: int) -> int:
    """Where segment `index`'s header starts; its data follows the header."""
    return _HEADER_BYTES + index * (_SEGMENT_HEADER_BYTES + segment)


class JournalRing:
    """The writer of one worker's file. Not thread-safe: its caller holds a lock."""

    def __init__(self, directory: PrivateDirectory, name: str, budget: int, max_records: int) -> None:
        self._segment = segment_bytes(budget)
        self._max_records = max_records
        size = _file_bytes(self._segment)
        descriptor = directory.open_file(name, os.O_RDWR | os.O_CREAT)
        try:
            fresh = not _is_ring(descriptor, size, self._segment)
            if fresh:  # new, of another size, or left by another format: started afresh
                os.ftruncate(descriptor, 0)
                os.ftruncate(descriptor, size)  # sparse: disk is taken as records are written
            self._map = mmap.mmap(descriptor, size)
        finally:
            os.close(descriptor)  # the mapping keeps the file
        if fresh:
            _HEADER.pack_into(self._map, 0, _MAGIC, self._segment, 0, 0)
        _, _, self._clears, self._active = _HEADER.unpack_from(self._map, 0)
        _, self._used, self._records = _SEGMENT.unpack_from(
            self._map, _segment_at(self._active, self._segment)
        )

    def append(self, record: bytes, clears: int) -> bool:
        """Keep `record`; False, keeping nothing, when it is larger than a segment."""
        if clears != self._clears:
            self._empty(0)
            self._empty(1)
            self._clears = clears
            _HEADER.pack_into(self._map, 0, _MAGIC, self._segment, clears, self._active)
        size = len(record)
        if size > self._segment:
            return False
        if self._used + size > self._segment or self._records >= self._max_records:
            self._active = 1 - self._active
            self._empty(self._active)
            _HEADER.pack_into(self._map, 0, _MAGIC, self._segment, self._clears, self._active)
        start = _segment_at(self._active, self._segment)
        offset = start + _SEGMENT_HEADER_BYTES + self._used
        self._map[offset : offset + size] = record
        self._used += size
        self._records += 1
        _FILLED.pack_into(self._map, start + 8, self._used, self._records)  # after the bytes it covers
        return True

    def close(self) -> None:
        self._map.close()

    def _empty(self, index: int) -> None:
        start = _segment_at(index, self._segment)
        epoch = _SEGMENT.unpack_from(self._map, start)[0]
        _SEGMENT.pack_into(self._map, start, epoch + 1, 0, 0)
        if index == self._active:
            self._used = self._records = 0


def read_records(directory: PrivateDirectory, name: str, clears: int) -> list[bytes]:
    """The whole records of one worker's file, each with its prefix; none from a file of another
    format or written before the latest clear."""
    descriptor = directory.open_file(name, os.O_RDONLY)
    try:
        size = os.fstat(descriptor).st_size
        if size < _HEADER_BYTES:
            return []
        view = mmap.mmap(descriptor, size, access=mmap.ACCESS_READ)
    finally:
        os.close(descriptor)
    with view:
        magic, segment, seen, active = _HEADER.unpack_from(view, 0)
        if magic != _MAGIC or size != _file_bytes(segment) or seen != clears:
            return []
        older, newer = _segment_records(view, 1 - active, segment), _segment_records(view, active, segment)
        return older + newer


def _segment_records(view: Any, index: int, segment: int) -> list[bytes]:
    start = _segment_at(index, segment)
    epoch, used, _ = _SEGMENT.unpack_from(view, start)
    data = view[start + _SEGMENT_HEADER_BYTES : start + _SEGMENT_HEADER_BYTES + min(used, segment)]
    if _SEGMENT.unpack_from(view, start)[0] != epoch:  # emptied while it was copied
        return []
    found, offset = [], 0
    while offset + RECORD.size <= len(data):
        end = offset + RECORD.unpack_from(data, offset)[0]
        if end < offset + RECORD.size or end > len(data):  # torn, or not written as a record
            break
        found.append(data[offset:end])
        offset = end
    return found


def _is_ring(descriptor: int, size: int, segment: int) -> bool:
    if os.fstat(descriptor).st_size != size:
        return False
    magic, recorded, _, active = _HEADER.unpack(os.pread(descriptor, _HEADER.size, 0))
    return magic == _MAGIC and recorded == segment and active in (0, 1)
