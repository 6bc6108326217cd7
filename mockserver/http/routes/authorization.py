"""POST /authorization: username and password in, a Bearer token out (RFC 6749 §4.3, §5.1), as an
endpoint of the data plane (`pipeline.py`)."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from ...core.errors import OAuthError
from ...core.state import MockState
from ..credentials import Credentials, read_credentials
from ..journal_entry import remember_issued
from ..render import JsonReply

__all__ = ["NO_STORE", "issue_token", "rules", "token_fields"]

NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))


def issue_token(request: Request, mock: MockState) -> JsonReply:
    """The login's answer, `no-store` (RFC 6749 §5.1); a refusal raises."""
    fields = token_fields(read_credentials(request), mock, request.environ)
    return JsonReply(fields, headers=NO_STORE)


def rules() -> list[Rule]:
    return [Rule("/authorization", methods=["POST", "OPTIONS"], endpoint=issue_token)]


def token_fields(credentials: Credentials, mock: MockState, environ: dict[str, Any]) -> dict[str, Any]:
    """The login's answer: a token for the user whose password it is, or the error that refuses it.

    The token is left in `environ` for the request's journal entry.
    """
    mock.lockout.check(credentials.username)
    user = mock.users.verify(credentials.username, credentials.password)
    status = mock.settings.invalid_grant_status
    if user is None:
        mock.lockout.failed(credentials.username)
        raise OAuthError.invalid_grant("the username or password is wrong", status=status)
    if user.disabled:
        raise OAuthError.invalid_grant("this user is disabled", status=status)
    mock.lockout.succeeded(user.username)
    issued = mock.tokens.issue(user.username)
    remember_issued(environ, issued)
    fields = {
        "token_type": "Bearer",  # the scheme name, not a secret
        "access_token": issued.access_token,
        "expires_in": issued.expires_in,
    }
    if mock.settings.token_scope:  # optional (RFC 6749 §5.1); --no-token-scope mirrors a platform without
        fields["scope"] = " ".join(sorted(user.permissions))
    return fields
