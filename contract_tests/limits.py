"""Every exchange with the target ends, and holds a bounded answer: an overall deadline and a body cap.

requests' `timeout` bounds each wait for a byte, not the exchange: a platform that trickles one
byte a second never trips it, and a few hundred kilobytes of gzip decode to gigabytes.
`LimitedAdapter`, mounted by every client of the target (the suite's session, which schemathesis
shares, `compare`'s, Locust's users'), bounds both, once for every caller:

- the deadline, `DEADLINE_FACTOR` times the request's timeout, is kept by a timer that shuts the
  connection's socket down when it passes: a read blocked on a trickle, in the status line, the
  headers or the body, returns at once and the exchange ends as ExchangeTooSlow (the per-read
  timeout still applies beneath it);
- the body is read here, decoded, `CHUNK` bytes at a time while counting: past `BODY_CAP` the
  connection is closed and the exchange ends as ExchangeTooLarge, having held at most
  `BODY_CAP + CHUNK` decoded bytes (urllib3 decodes no more than it is asked for).

Both are requests exceptions, so Locust's session records them as a failed request; transport.py
reports them as a target error naming the cause and never retries them.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.util.timeout import Timeout

__all__ = [
    "BODY_CAP",
    "CHUNK",
    "DEADLINE_FACTOR",
    "ExchangeLimit",
    "ExchangeTooLarge",
    "ExchangeTooSlow",
    "LimitedAdapter",
    "deadline_for",
    "mount_limits",
]

BODY_CAP = 1 << 20  # decoded bytes of one answer: plenty for this contract
CHUNK = 64 * 1024
DEADLINE_FACTOR = 3  # an exchange may take this many times the per-read timeout, all told
DEFAULT_TIMEOUT = 10.0  # what a request sent without a timeout is bounded by
# The deadline of the exchange each thread is sending, by threading.get_ident() looked up at each
# call: under gevent's patching (Locust) that is the greenlet's, whenever this module was imported.
_WATCHING: dict[int, _Deadline] = {}


class ExchangeLimit(requests.exceptions.RequestException):
    """An answer that broke a limit; the message names it, in one line without the URL."""


class ExchangeTooSlow(ExchangeLimit):
    """The answer was not complete within the exchange's deadline."""


class ExchangeTooLarge(ExchangeLimit):
    """The decoded body went past the cap; `decoded` is how many bytes were read before stopping."""

    def __init__(self, message: str, decoded: int) -> None:
        super().__init__(message)
        self.decoded = decoded


def deadline_for(timeout: Any, factor: float = DEADLINE_FACTOR) -> float:
    """Seconds an exchange may take: `factor` times the longest of its timeouts (a number, a pair, a
    urllib3 Timeout), or of DEFAULT_TIMEOUT when it has none."""
    if isinstance(timeout, Timeout):
        values = [timeout.connect_timeout, timeout.read_timeout]
    elif isinstance(timeout, tuple):
        values = list(timeout)
    else:
        values = [timeout]
    numbers = [float(value) for value in values if isinstance(value, (int, float))]
    return factor * (max(numbers) if numbers else DEFAULT_TIMEOUT)


class _Deadline:
    """One exchange's deadline: when it passes, the sockets of the connections it watches are shut."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._connections: list[HTTPConnection] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._sender = threading.get_ident()
        self._previous = _WATCHING.get(self._sender)
        _WATCHING[self._sender] = self
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.cancel()
        if self._previous is None:
            _WATCHING.pop(self._sender, None)
        else:
            _WATCHING[self._sender] = self._previous

    def watch(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._connections.append(connection)
            if self.expired:
                _shut(connection)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for connection in self._connections:
                _shut(connection)

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.ends


def _shut(connection: HTTPConnection) -> None:
    """Wake any read blocked on this connection: it sees the end of the stream (or an error) at once.
    socket.socket's own shutdown, also for a TLS socket: ssl's would drop its state under the reader."""
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):  # closed already
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watch(connection: HTTPConnection) -> None:
    deadline = _WATCHING.get(threading.get_ident())
    if deadline is not None:
        deadline.watch(connection)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        _watch(self)  # before connecting: a TLS handshake can trickle too
        super().connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self)  # a reused connection is not connected again
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        _watch(self)
        super().connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self)
        super().request(*args, **kwargs)


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


POOLS = {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}


class LimitedAdapter(HTTPAdapter):
    """An HTTPAdapter whose every exchange keeps the deadline and the body cap (see the module)."""

    def __init__(
        self, *args: Any, body_cap: int = BODY_CAP, factor: float = DEADLINE_FACTOR, **kwargs: Any
    ) -> None:
        self.body_cap = body_cap
        self.factor = factor
        super().__init__(*args, **kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS has pools of its own: body cap and timer checks
            manager.pool_classes_by_scheme = POOLS
        return manager

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None, **kwargs: Any
    ) -> requests.Response:
        """The answer, its body read in full; ExchangeTooSlow or ExchangeTooLarge where it broke a limit."""
        seconds = deadline_for(timeout, self.factor)
        with _Deadline(seconds) as deadline:
            try:
                response = super().send(request, stream=True, timeout=timeout, **kwargs)
                _read_body(response, deadline, self.body_cap)
                if deadline.expired:  # a shut socket can end the headers early: a truncated answer
                    response.close()
                    raise ExchangeTooSlow("cut")
            except ExchangeTooLarge:
                raise
            except Exception:  # whatever a shut socket raised, in urllib3, http.client or ssl
                if deadline.passed():
                    raise _too_slow(deadline, self.factor) from None
                raise
        return response


def _too_slow(deadline: _Deadline, factor: float) -> ExchangeTooSlow:
    base = deadline.seconds / factor
    return ExchangeTooSlow(
        f"the answer was not complete within {deadline.seconds:g} s ({factor:g} x the {base:g} s timeout)"
    )


def _read_body(response: requests.Response, deadline: _Deadline, cap: int) -> None:
    """Read the body, decoded, into `response.content`, counting; close the connection on a breach."""
    chunks, total = [], 0
    try:
        for chunk in response.iter_content(CHUNK):
            total += len(chunk)
            if total > cap:
                raise ExchangeTooLarge(f"the answer's body is larger than {_size(cap)} (decoded)", total)
            chunks.append(chunk)
            if deadline.passed():
                raise ExchangeTooSlow("late")  # LimitedAdapter.send words it
    except BaseException:
        response.close()  # never back to the pool, never drained
        raise
    response._content = b"".join(chunks)  # what requests' own .content sets
    response._content_consumed = True  # type: ignore[attr-defined]  # requests' own, not in its stubs


def _size(count: int) -> str:
    return f"{count >> 20} MiB" if count % (1 << 20) == 0 else f"{count} bytes"


def mount_limits(session: requests.Session, adapter: HTTPAdapter | None = None) -> requests.Session:
    """Every http and https exchange of `session` through `adapter` (a LimitedAdapter by default)."""
    adapter = adapter or LimitedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
