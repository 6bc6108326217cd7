"""Who may use the control API: loopback clients, or anyone holding --control-token; never a web page."""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlsplit

from flask import request

from ..core.errors import OAuthError
from ..settings import ConfigError, Settings
from .bearer import B64TOKEN, parse_bearer

__all__ = ["check_control_token", "guard_control_api", "refuse_cross_site", "refuse_foreign_host"]


def check_control_token(settings: Settings) -> None:
    """At start-up: a token no Bearer header can carry would lock every client out of the control API."""
    if settings.control_token is not None and not B64TOKEN.fullmatch(settings.control_token):
        raise ConfigError(
            "control_token: must be what a Bearer header can carry (RFC 6750 b64token): "
            "letters, digits and -._~+/ then optional = padding"
        )


def guard_control_api(settings: Settings) -> None:
    """Without a control token, only loopback clients; with one, it is required as a Bearer token."""
    if settings.control_token is None:
        if not _is_loopback(request.remote_addr):
            raise OAuthError(
                "access_denied", "the control API answers loopback clients only; set --control-token", 403
            )
        return
    token = parse_bearer(request.headers.get("Authorization"))
    if not hmac.compare_digest(token.encode(), settings.control_token.encode()):
        raise OAuthError.invalid_token("the control token is wrong")


def refuse_foreign_host(settings: Settings) -> None:
    """DNS rebinding: a page whose name now points at 127.0.0.1 sends its own name as Host.

    Without a control token only the bound address, `localhost` and loopback literals are
    names of the mock; with one, a page cannot know the token, so any name may be used.
    """
    if settings.control_token is not None:
        return
    host = _hostname(request.host)
    if host is None or not (host in ("localhost", settings.host.lower()) or _is_loopback(host)):
        raise OAuthError(
            "access_denied",
            "the control API answers only a Host of localhost, a loopback address or the bound address; "
            "set --control-token to reach it by another name",
            403,
        )


def refuse_cross_site() -> None:
    """A page of another site (a plain HTML form is enough) may not drive the mock from the browser."""
    origin = request.headers.get("Origin")
    if origin is not None and _netloc(origin) != request.host.lower():
        raise OAuthError("access_denied", "cross-site requests may not use the control API (Origin)", 403)
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise OAuthError(
            "access_denied", "cross-site requests may not use the control API (Sec-Fetch-Site)", 403
        )


def _hostname(host: str) -> str | None:
    """`example:8080`, `[::1]:8080` or `localhost` as the bare lower-case name; None if unparsable."""
    try:
        return urlsplit(f"//{host}").hostname
    except ValueError:
        return None


def _netloc(origin: str) -> str | None:
    """The host[:port] of an Origin; None for `null` or anything that is no origin."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return None
    return parts.netloc.lower() if parts.scheme in ("http", "https") and parts.netloc else None


def _is_loopback(address: str | None) -> bool:
    """127.0.0.0/8 and ::1, also as an IPv6 server bound to `::` sees an IPv4 client: ::ffff:127.0.0.1."""
    try:
        parsed = ipaddress.ip_address(address) if address is not None else None
    except ValueError:
        return False
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return parsed is not None and parsed.is_loopback
