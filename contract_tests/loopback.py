"""Whether a target is on this machine's loopback, from its base URL's host alone.

RFC 6749 §3.2 and RFC 6750 §5.3 require TLS because credentials and tokens cross a network; on the
loopback (127.0.0.0/8, ::1, `localhost`) they never leave the machine. A name is never resolved:
what it points at may change, and a check must not send anything to find out.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["LOOPBACK_NAMES", "is_loopback"]

LOOPBACK_NAMES = frozenset({"localhost"})


def is_loopback(url: str) -> bool:
    """True for a URL whose host is a loopback address or `localhost` (any case, a trailing dot too)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return address.is_loopback or (mapped is not None and mapped.is_loopback)
