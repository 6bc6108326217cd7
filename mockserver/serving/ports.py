"""Claim the mock's port before serving, so that a busy port stops the start with one line.

granian's workers bind with SO_REUSEPORT, so a second mock on a port already served would start
without a word and the two would split the requests. The check binds without SO_REUSEPORT, which
fails whenever anything listens on the port; for granian, a socket bound with SO_REUSEPORT alone
(never listening, so it receives no connections) then holds the port while the mock serves, so a
mock started later fails that check too, and granian's own sockets join it.
"""

from __future__ import annotations

import errno
import socket

from ..settings import ConfigError

__all__ = ["PortBusy", "claim_for_granian", "display_address", "listening_socket"]

_REFUSED = {
    errno.EADDRINUSE: "is in use by another program (or another mock)",
    errno.EACCES: "is not allowed",
}


class PortBusy(ConfigError):
    """The port cannot be bound: the message names it."""


def display_address(host: str, port: int) -> str:
    """host:port as a URL writes it: an IPv6 literal in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A listening socket on host:port, without SO_REUSEPORT: werkzeug serves from it."""
    family, address = _resolve(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(
            socket.SOL_SOCKET, socket.SO_REUSEADDR, 1
        )  # TIME_WAIT leftovers are no reason to refuse
        sock.bind(address)
        sock.listen(backlog)
    except OSError as error:
        sock.close()
        raise _busy(host, port, error) from None
    return sock


def claim_for_granian(host: str, port: int) -> socket.socket:
    """Check that nothing listens on host:port, then hold it (port 0: a free port) for granian.

    Returns the holding socket: keep it open while granian serves; its port is the one to serve.
    Between the check and the hold there is a window of microseconds, not granian's start-up time.
    """
    probe = listening_socket(host, port, backlog=1)
    port = probe.getsockname()[1]
    family = probe.family
    probe.close()
    holder = socket.socket(family, socket.SOCK_STREAM)
    try:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind(_resolve(host, port)[1])
    except OSError as error:
        holder.close()
        raise _busy(host, port, error) from None
    return holder


def _resolve(host: str, port: int) -> tuple[socket.AddressFamily, tuple]:
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host,
            port,
            family=socket.AF_INET6 if ":" in host else socket.AF_INET,  # as werkzeug chooses
            type=socket.SOCK_STREAM,
            flags=socket.AI_PASSIVE,
        )[0]
    except socket.gaierror as error:
        raise ConfigError(f"setting 'host' cannot be bound: {host!r} ({error.strerror})") from None
    return family, address


def _busy(host: str, port: int, error: OSError) -> PortBusy:
    reason = _REFUSED.get(error.errno or 0, f"cannot be bound ({error.strerror})")
    return PortBusy(f"port {port} on {host} {reason}: stop that program or choose another --port")
