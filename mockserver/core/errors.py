"""One error type, rendered once to the JSON body and challenge RFC 6749 §5.2 and RFC 6750 §3 describe."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["OAuthError"]


def _quote(value: str) -> str:
    """A quoted-string holding only what RFC 6750 §3 allows: printable ASCII but `"` and `\\`."""
    allowed = "".join(c for c in value if 0x20 <= ord(c) <= 0x7E and c not in '"\\')
    return f'"{allowed}"'


@dataclass(eq=False)
class OAuthError(Exception):
    """An error answer: `error` code (None for a bare challenge), status and description.

    `challenge` marks errors of a protected resource, which carry `WWW-Authenticate`;
    any 401 carries one as RFC 7235 §3.1 requires.
    """

    error: str | None
    description: str
    status: int = 400
    challenge: bool = False
    scope: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.description)

    # Token endpoint (RFC 6749 §5.2) --------------------------------------------------------

    @classmethod
    def invalid_request(cls, description: str, *, challenge: bool = False) -> OAuthError:
        return cls("invalid_request", description, 400, challenge=challenge)

    @classmethod
    def invalid_grant(cls, description: str, *, status: int = 400) -> OAuthError:
        return cls("invalid_grant", description, status)

    # Protected resources (RFC 6750 §3.1) ---------------------------------------------------

    @classmethod
    def missing_token(cls, description: str) -> OAuthError:
        """No usable credentials: 401 with a bare challenge and no error code (RFC 6750 §3.1)."""
        return cls(None, description, 401, challenge=True)

    @classmethod
    def invalid_token(cls, description: str) -> OAuthError:
        return cls("invalid_token", description, 401, challenge=True)

    @classmethod
    def insufficient_scope(cls, scope: str) -> OAuthError:
        description = f"this request needs the permission {scope!r}"
        return cls("insufficient_scope", description, 403, challenge=True, scope=scope)

    # The control API ---------------------------------------------------------------------

    @classmethod
    def full(cls, what: str, cap: int) -> OAuthError:
        """409: the mock's state, not the request, forbids it; a reset (or a deletion) makes room."""
        return cls("conflict", f"the mock keeps at most {cap:,} {what}: reset it to make room", 409)

    # Rendering -----------------------------------------------------------------------------

    def body(self, *, descriptions: bool = True) -> dict[str, str]:
        """The JSON body; `descriptions=False` leaves out the optional error_description."""
        body = {"error": self.error or "unauthorized"}
        if descriptions:
            body["error_description"] = self.description
        if self.scope:
            body["scope"] = self.scope
        return body

    def www_authenticate(self, realm: str, *, descriptions: bool = True) -> str:
        params = [f"realm={_quote(realm)}"]
        if self.error:
            params.append(f"error={_quote(self.error)}")
            if descriptions:
                params.append(f"error_description={_quote(self.description)}")
        if self.scope:
            params.append(f"scope={_quote(self.scope)}")
        return "Bearer " + ", ".join(params)

    def response_headers(
        self, realm: str, *, descriptions: bool = True, cache_headers: bool = True
    ) -> dict[str, str]:
        """The headers of the answer; `cache_headers=False` leaves out Cache-Control and Pragma,
        which no answer without a token needs (RFC 6749 §5.1 asks them of token answers)."""
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"} if cache_headers else {}
        headers.update(self.headers)
        if self.challenge or self.status == 401:
            headers["WWW-Authenticate"] = self.www_authenticate(realm, descriptions=descriptions)
        return headers
