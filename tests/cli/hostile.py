"""A platform that writes terminal escapes and XML-breaking characters into everything it answers.

Spoken over a raw socket, so nothing between it and the client cleans its bytes: its reason phrases
carry ESC, BEL, CR and DEL, its headers a C1 control and a UTF-8 U+202E (read as Latin-1), its JSON
error codes U+202E, U+2028, ESC, BEL and a lone surrogate. It logs in `qa-user` and answers its
protected path to the token it issued, so the pre-flight passes and the checks judge its answers.
`stall_after`: every request past that many waits (its connection held open) until the server
stops, so a run can be caught mid-way; `arrived` counts requests, `stalled` is set by the first held one.
"""

from __future__ import annotations

import json
import secrets
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs

__all__ = ["ESCAPES", "Hostile", "hostile_platform"]

ESCAPES = "\x1b[2J\x1b[H\x07"  # clear the screen, cursor home, bell
REASON = f"Nope{ESCAPES}\rALL CHECKS PASSED\x7f"
HEADER = b"\x1b]0;ALL CHECKS PASSED\x07\x9b2J \xe2\x80\xae"  # OSC title, a C1 CSI, U+202E in UTF-8
CODE = f"invalid_token\u202e{ESCAPES}\u2028\ud800"  # JSON-escaped below: the client decodes them
MAX_HEAD = 65536


@dataclass
class Hostile:
    username: str = "qa-user"
    password: str = field(default_factory=lambda: "hostile-" + secrets.token_hex(8))
    stall_after: int | None = None
    issued: set[str] = field(default_factory=set)
    arrived: int = 0
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def env(self, base_url: str) -> dict[str, str]:
        return {
            "CONTRACT_BASE_URL": base_url,
            "CONTRACT_USERNAME": self.username,
            "CONTRACT_PASSWORD": self.password,
            "CONTRACT_PROTECTED_PATH": "/me",
        }

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
        """The bytes of the whole answer to one request."""
        target = path.split("?", 1)[0]
        if target == "/authorization" and method == "POST":
            form = {key: values[0] for key, values in parse_qs(body.decode("latin-1")).items()}
            if (form.get("username"), form.get("password")) == (self.username, self.password):
                token = secrets.token_urlsafe(24)
                self.issued.add(token)
                document = {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
                return _response(200, "OK" + ESCAPES, document, extra=[b"Cache-Control: no-store"])
            return _response(400, REASON, {"error": CODE.replace("invalid_token", "invalid_grant")})
        if target == "/me" and method == "GET":
            scheme, _, token = headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and token in self.issued:
                return _response(200, "OK", {"user": self.username})
            challenge = b'WWW-Authenticate: Bearer error="invalid_token\x1b[31m\x07"'
            return _response(401, REASON, {"error": CODE}, extra=[challenge])
        return _response(405, REASON, {"error": CODE})


def _response(
    status: int, reason: str, document: object, extra: tuple[bytes, ...] | list[bytes] = ()
) -> bytes:
    body = json.dumps(document).encode()  # ASCII, with \u escapes the client turns back into controls
    head = [
        f"HTTP/1.1 {status} {reason}".encode("latin-1"),
        b"Content-Type: application/json",
        b"X-Platform-Note: " + HEADER,
        *extra,
        f"Content-Length: {len(body)}".encode(),
        b"Connection: close",
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        platform = self.server.platform
        self.connection.settimeout(10)
        line = self.rfile.readline(MAX_HEAD).decode("latin-1").split()
        if len(line) < 2:
            return
        headers: dict[str, str] = {}
        while (raw := self.rfile.readline(MAX_HEAD)) not in (b"\r\n", b"\n", b""):
            name, _, value = raw.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = self.rfile.read(int(headers.get("content-length", "0") or 0))
        with platform.lock:
            platform.arrived += 1
            stall = platform.stall_after is not None and platform.arrived > platform.stall_after
        if stall:
            platform.stalled.set()
            platform.release.wait(timeout=120)  # held until the server stops (the test's bound)
            return
        self.wfile.write(platform.answer(line[0], line[1], headers, body))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, platform: Hostile) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.platform = platform


@contextmanager
def hostile_platform(platform: Hostile) -> Iterator[str]:
    """The platform on 127.0.0.1 and a free port, in a thread, until the block ends; yields its URL."""
    server = _Server(platform)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        platform.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
