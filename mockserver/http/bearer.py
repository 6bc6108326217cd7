"""Parse and check `Authorization: Bearer <token>` (RFC 6750 §2.1, RFC 7235 §2.1)."""

from __future__ import annotations

import math
import re
from typing import Any

from werkzeug.datastructures import Authorization

from ..core.errors import OAuthError
from ..core.tokens import TokenAuthority, TokenClaims, TokenProblem, TokenRejected
from ..core.users import User, UserDirectory

__all__ = ["B64TOKEN", "HOLDS_UNTIL", "authenticate_request", "check_permission", "parse_bearer"]

# The environ key where the request's authentication leaves until when its outcome holds for requests
# that look alike, as long as the state does not change (`pipeline.py` remembers such decisions):
# an acceptance until the token expires, a refusal for good; an expiry (it reads the clock) not at all.
HOLDS_UNTIL = "mockserver.holds_until"

# RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def parse_bearer(header: str | None) -> str:
    """The token of a Bearer header; werkzeug parses, the b64token syntax is checked here.

    werkzeug accepts `Bearer a b` (token "a b") and a bare `Bearer` (token ""), so both are
    refused here as malformed.
    """
    if header is None or not header.strip():
        raise OAuthError.missing_token("this request needs an Authorization: Bearer header")
    scheme, _, rest = header.partition(" ")
    if scheme.lower() == "bearer" and B64TOKEN.fullmatch(rest):  # werkzeug's answer too: no space, no
        return rest  # '=' but trailing ones, so `Authorization.from_header` would give `rest` itself
    parsed = Authorization.from_header(header)
    if parsed is None or parsed.type != "bearer":
        raise OAuthError.missing_token("the Authorization header must use the Bearer scheme")
    token = parsed.token or ""
    if not B64TOKEN.fullmatch(token):
        raise OAuthError.invalid_request(
            "the Bearer token is missing or malformed (RFC 6750 section 2.1)", challenge=True
        )
    return token


def authenticate_request(
    environ: dict[str, Any], tokens: TokenAuthority, users: UserDirectory
) -> tuple[TokenClaims, User]:
    """The claims and the user of the request's Bearer token, whose permissions the token carries (as
    the docs say); how long that outcome holds is left under HOLDS_UNTIL."""
    environ[HOLDS_UNTIL] = math.inf  # a header refused, a token unknown, revoked or its user gone
    # the header as request.headers has it, without building that
    token = parse_bearer(environ.get("HTTP_AUTHORIZATION"))
    try:
        claims = tokens.authenticate(token)
    except TokenRejected as rejected:
        if rejected.problem is TokenProblem.EXPIRED:
            del environ[HOLDS_UNTIL]  # read the clock: the next request decides afresh
        raise OAuthError.invalid_token(rejected.problem.value) from None
    user = users.get(claims.username)
    if user is None or user.disabled:
        raise OAuthError.invalid_token(TokenProblem.USER_GONE.value)
    environ[HOLDS_UNTIL] = claims.expires_at
    return claims, user


def check_permission(user: User, permission: str | None) -> None:
    if permission and permission not in user.permissions:
        raise OAuthError.insufficient_scope(permission)
