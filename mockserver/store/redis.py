"""State shared by mock hosts behind a load balancer, in Redis."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from ..extras import require
from . import JOURNAL_BYTES, Document, EntryContent, encode_entry

__all__ = ["RedisBackend"]

T = TypeVar("T")
PREFIX = "authcontract:mock:"
_TIMEOUT = 5
# Atomic, so every host appending at once keeps the list and its byte count in step: the oldest
# entries go past ARGV[2] entries or ARGV[3] bytes; the newest always stays.
_APPEND_JOURNAL = """
local length = redis.call('RPUSH', KEYS[1], ARGV[1])
local total = redis.call('INCRBY', KEYS[2], string.len(ARGV[1]))
while length > 1 and (length > tonumber(ARGV[2]) or total > tonumber(ARGV[3])) do
  total = redis.call('DECRBY', KEYS[2], string.len(redis.call('LPOP', KEYS[1])))
  length = length - 1
end
return length
"""


class RedisBackend:
    def __init__(
        self, url: str, initial: Callable[[], Document], journal_size: int, journal_bytes: int = JOURNAL_BYTES
    ) -> None:
        redis = require("redis", "redis")
        self._redis = redis.Redis.from_url(url, socket_timeout=_TIMEOUT, socket_connect_timeout=_TIMEOUT)
        self._watch_error = redis.WatchError
        self._journal_size = journal_size
        self._journal_bytes = journal_bytes
        self._keys = {name: PREFIX + name for name in ("generation", "document", "journal", "journal_bytes")}
        self._append_journal = self._redis.register_script(_APPEND_JOURNAL)
        try:
            if self._redis.set(self._keys["document"], json.dumps(initial()), nx=True):
                self._redis.incr(self._keys["generation"])
        except redis.RedisError as error:
            where = self._redis.connection_pool.connection_kwargs.get("host", "its socket")
            raise ConnectionError(f"the Redis store at {where} cannot be used: {error}") from None

    def generation(self) -> int:
        return int(self._redis.get(self._keys["generation"]) or 0)

    def load(self) -> tuple[int, Document]:
        generation, document = self._redis.mget(self._keys["generation"], self._keys["document"])
        return int(generation or 0), json.loads(document)

    def update(self, change: Callable[[Document], T]) -> T:
        """Optimistic: retry when another host changed the document in between."""
        while True:
            with self._redis.pipeline() as pipe:
                try:
                    pipe.watch(self._keys["document"])
                    document = json.loads(pipe.get(self._keys["document"]))
                    result = change(document)
                    pipe.multi()
                    pipe.set(self._keys["document"], json.dumps(document))
                    pipe.incr(self._keys["generation"])
                    pipe.execute()
                    return result
                except self._watch_error:
                    continue

    def append_journal(self, seq: int, time: float, entry: EntryContent) -> None:
        line = encode_entry({**entry.fields, "time": time, "seq": seq})
        keys = [self._keys["journal"], self._keys["journal_bytes"]]
        self._append_journal(keys=keys, args=[line, self._journal_size, self._journal_bytes])

    def journal(self) -> list[dict[str, Any]]:
        return [json.loads(item) for item in self._redis.lrange(self._keys["journal"], 0, -1)]

    def clear_journal(self) -> None:
        self._redis.delete(self._keys["journal"], self._keys["journal_bytes"])

    def close(self) -> None:
        self._redis.close()
