"""Apply the fault that fires for a request, in the request pipeline; the rules live in faults.py."""

from __future__ import annotations

import ctypes
import json
import socket
import struct
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from flask import Response
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response as BaseResponse

from ..core.faults import Fault, FaultBook

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["CONTROL_PREFIX", "DROP_KEY", "alter_response", "drop_connection", "inject_fault"]

CONTROL_PREFIX = "/_mock/"
DROP_KEY = "mockserver.drop"
FIRED_KEY = "mockserver.faults"  # the faults fired for a request, for alter_response
_LIBC = ctypes.CDLL(None, use_errno=True)
NO_RESPONSE = 444
_TRUNCATED_JSON = b'{"token_type": "Bearer", "access_tok'


def inject_fault(faults: FaultBook, request: Request) -> Response | None:
    """Before the view: the fault's delay, and its answer when it replaces the route's.

    With no fault in force (nearly every request) this is one generation check and no more.
    """
    if not faults.in_force():
        return None
    if request.path.startswith(CONTROL_PREFIX):
        return None
    fired = faults.fire(request.method, request.path)
    if not fired:
        return None
    request.environ[FIRED_KEY] = fired
    delay = sum(fault.latency() for fault in fired)
    if delay:
        time.sleep(delay)
    return _replacement(fired[-1], request)  # only the last can replace the answer


def alter_response(request: Request, response: BaseResponse) -> BaseResponse:
    """After the view: drop the fields a fired fault omits; nothing when no fault fired."""
    fired: list[Fault] | None = request.environ.pop(FIRED_KEY, None)
    if not fired:
        return response
    omitted = [fault.omit_field for fault in fired if fault.omit_field]
    if omitted and response.is_json:
        body = response.get_json()
        if isinstance(body, dict):
            for field in omitted:
                body.pop(field, None)
            response.set_data(json.dumps(body))
    return response


def _replacement(fault: Fault, request: Request) -> Response | None:
    """The answer that stands in for the real one, or None to let the request through."""
    if fault.status is not None:
        default = {"error": "injected_fault", "error_description": f"a fault answered {fault.status}"}
        body = fault.body if fault.body is not None else default
        text = body if isinstance(body, str) else json.dumps(body)
        mimetype = "text/plain" if isinstance(body, str) else "application/json"
        return Response(text, status=fault.status, mimetype=mimetype, headers=fault.headers or {})
    if fault.retry_after is not None:
        body = json.dumps({"error": "rate_limited", "error_description": "injected by a fault"})
        return Response(body, 429, {"Retry-After": str(fault.retry_after)}, mimetype="application/json")
    if fault.malformed_json:
        return Response(_TRUNCATED_JSON, 200, mimetype="application/json")
    if fault.drop:
        return _dropped(fault.drop, request)
    return None


def _dropped(how: str, request: Request) -> Response:
    """Mark the request for `drop_connection`; the journal records 444, nginx's "no response"."""
    request.environ[DROP_KEY] = how
    return Response(status=NO_RESPONSE)


def drop_connection(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Answer a request marked by a drop fault (`DROP_KEY`, after its journal entry) by closing
    its connection.

    Under werkzeug, which hands the app its socket, "reset" sends a TCP reset and "empty" a
    plain close with no reply. granian gives no socket, so there the answer is cut off after its
    first byte, which clients see as a broken connection too.
    """
    sock: socket.socket | None = environ.get("werkzeug.socket")
    if sock is None:
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "1024")])
        return _cut_off()
    if environ[DROP_KEY] == "reset":
        _send_reset(sock)
    else:
        sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionAbortedError("fault: connection dropped")  # werkzeug writes nothing


def _send_reset(sock: socket.socket) -> None:
    """Abort the TCP connection now. Closing with a zero linger would do it, but werkzeug holds
    other references to the socket and shuts its writing side (a FIN) before closing; on Linux,
    connecting a socket to AF_UNSPEC disconnects it at once with a reset."""
    unspecified = struct.pack("H14s", socket.AF_UNSPEC, b"")
    if _LIBC.connect(sock.fileno(), unspecified, len(unspecified)) != 0:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)


def _cut_off() -> Iterator[bytes]:
    yield b"{"
    raise ConnectionAbortedError("fault: connection dropped")
