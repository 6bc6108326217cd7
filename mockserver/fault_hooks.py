"""Apply the fault that fires for a request, at the Flask edge; the rules live in faults.py."""

from __future__ import annotations

import json
import socket
import struct
import time
from collections.abc import Iterator

from flask import Flask, Response, g, request

from .faults import Fault
from .state import MockState

__all__ = ["register_fault_hooks"]

CONTROL_PREFIX = "/_mock/"
_TRUNCATED_JSON = b'{"token_type": "Bearer", "access_tok'


def register_fault_hooks(app: Flask, mock: MockState) -> None:
    @app.before_request
    def inject_fault() -> Response | None:
        if request.path.startswith(CONTROL_PREFIX):
            return None
        fault = mock.faults.pick(request.method, request.path)
        if fault is None:
            return None
        g.fault = fault
        if fault.delay:
            time.sleep(fault.latency())
        return _replacement(fault)

    @app.after_request
    def alter_response(response: Response) -> Response:
        fault: Fault | None = g.pop("fault", None)
        if fault is not None and fault.omit_field and response.is_json:
            body = response.get_json()
            if isinstance(body, dict):
                body.pop(fault.omit_field, None)
                response.set_data(json.dumps(body))
        return response


def _replacement(fault: Fault) -> Response | None:
    """The answer that stands in for the real one, or None to let the request through."""
    if fault.status is not None:
        body = fault.body if fault.body is not None else {"error": "injected_fault"}
        text = body if isinstance(body, str) else json.dumps(body)
        mimetype = "text/plain" if isinstance(body, str) else "application/json"
        return Response(text, status=fault.status, mimetype=mimetype, headers=fault.headers or {})
    if fault.retry_after is not None:
        body = json.dumps({"error": "rate_limited", "error_description": "injected by a fault"})
        return Response(body, 429, {"Retry-After": str(fault.retry_after)}, mimetype="application/json")
    if fault.malformed_json:
        return Response(_TRUNCATED_JSON, 200, mimetype="application/json")
    if fault.drop:
        return _dropped(fault.drop)
    return None


def _dropped(how: str) -> Response:
    """Close the connection: a TCP reset (or a plain close, for "empty") where the server gives
    the socket (werkzeug); elsewhere (granian), an answer cut off after its first bytes."""
    sock: socket.socket | None = request.environ.get("werkzeug.socket")
    if sock is not None:
        if how == "reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR) if how == "empty" else None
        sock.close()
        return Response(status=204)

    def cut_off() -> Iterator[bytes]:
        yield b"{"
        raise ConnectionAbortedError("fault: connection dropped")

    return Response(cut_off(), 200, {"Content-Length": "1024"}, mimetype="application/json")
