"""State shared by mock hosts behind a load balancer, in Redis."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from ..extras import require
from . import Document

__all__ = ["RedisBackend"]

T = TypeVar("T")
PREFIX = "authcontract:mock:"
_TIMEOUT = 5


class RedisBackend:
    def __init__(self, url: str, initial: Callable[[], Document], journal_size: int) -> None:
        redis = require("redis", "redis")
        self._redis = redis.Redis.from_url(url, socket_timeout=_TIMEOUT, socket_connect_timeout=_TIMEOUT)
        self._watch_error = redis.WatchError
        self._journal_size = journal_size
        self._keys = {name: PREFIX + name for name in ("generation", "document", "journal")}
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

    def append_journal(self, entry: dict[str, Any]) -> None:
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.rpush(self._keys["journal"], json.dumps(entry, separators=(",", ":")))
            pipe.ltrim(self._keys["journal"], -self._journal_size, -1)
            pipe.execute()

    def journal(self) -> list[dict[str, Any]]:
        return [json.loads(item) for item in self._redis.lrange(self._keys["journal"], 0, -1)]

    def clear_journal(self) -> None:
        self._redis.delete(self._keys["journal"])

    def close(self) -> None:
        self._redis.close()
