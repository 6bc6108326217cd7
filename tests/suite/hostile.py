"""Hostile platforms over real sockets: one that trickles its answers, one that answers a gzip bomb.

Each is a thread on 127.0.0.1 and a free port, stopped by the test (a context manager); it counts
what it sent and the connections it took, so that tests assert on events, never on seconds.
"""

from __future__ import annotations

import socket
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["BOMB_DECODED", "Hostile", "gzip_bomb", "serve_hostile"]

BOMB_DECODED = 64 << 20  # what the bomb decodes to: 64 times the body cap
TRICKLE_EVERY = 0.05  # seconds between two bytes of a trickle
TRICKLE_MAX = 4000  # bytes a trickle gives at most (200 s) before it closes: a bound for a broken client


@dataclass
class Hostile:
    """A server on a loopback port; `mode` is "trickle-head", "trickle-body" or "bomb"."""

    mode: str
    url: str = ""
    connections: int = 0
    sent: int = 0  # bytes written after the request was read, on all connections
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _count(self, sent: int) -> None:
        with self._lock:
            self.sent += sent

    def handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                _read_request(conn)
                if self.mode == "bomb":
                    self._bomb(conn)
                else:
                    self._trickle(conn)
            except OSError:
                return  # the client gave up: what it was meant to do

    def _bomb(self, conn: socket.socket) -> None:
        body = gzip_bomb()
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        conn.sendall(head)
        for start in range(0, len(body), 16384):
            if self._stop.is_set():
                return
            conn.sendall(body[start : start + 16384])
            self._count(len(body[start : start + 16384]))

    def _trickle(self, conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        if self.mode == "trickle-body":
            conn.sendall(head)
            payload = b'{"access_token": "' + b"a" * 99_981 + b'"}'
        else:
            payload = head + b"{}" * 50_000
        for index in range(TRICKLE_MAX):
            if self._stop.wait(TRICKLE_EVERY):
                return
            conn.sendall(payload[index : index + 1])
            self._count(1)


def _read_request(conn: socket.socket) -> None:
    """The request line, headers and a Content-Length body: all a client sends before it reads."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise OSError("closed before its request")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        body += chunk


_BOMB: list[bytes] = []


def gzip_bomb() -> bytes:
    """BOMB_DECODED zero bytes as one gzip stream: about 65 KB on the wire (made once per process)."""
    if not _BOMB:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        block = bytes(1 << 20)
        _BOMB.append(b"".join(packer.compress(block) for _ in range(BOMB_DECODED >> 20)) + packer.flush())
    return _BOMB[0]


@contextmanager
def serve_hostile(mode: str) -> Iterator[Hostile]:
    """A Hostile server of `mode` on 127.0.0.1 and a free port, stopped (its threads joined) on exit."""
    server = Hostile(mode)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    server.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    handlers: list[threading.Thread] = []

    def accept() -> None:
        while not server._stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            server.connections += 1
            handler = threading.Thread(target=server.handle, args=(conn,), daemon=True)
            handlers.append(handler)
            handler.start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        server._stop.set()
        acceptor.join(timeout=5)
        listener.close()
        for handler in handlers:
            handler.join(timeout=10)
