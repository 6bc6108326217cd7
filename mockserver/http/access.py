"""Who may use the control API: loopback clients, or anyone holding --control-token."""

from __future__ import annotations

import hmac
import ipaddress

from flask import request

from ..core.errors import OAuthError
from ..settings import ConfigError, Settings
from .bearer import B64TOKEN, parse_bearer

__all__ = ["check_control_token", "guard_control_api"]


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


def _is_loopback(address: str | None) -> bool:
    """127.0.0.0/8 and ::1, also as an IPv6 server bound to `::` sees an IPv4 client: ::ffff:127.0.0.1."""
    try:
        parsed = ipaddress.ip_address(address) if address is not None else None
    except ValueError:
        return False
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return parsed is not None and parsed.is_loopback
