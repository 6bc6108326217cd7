"""POST /authorization: username and password in, a Bearer token out (RFC 6749 §4.3, §5.1)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.errors import OAuthError
from ..credentials import read_credentials
from ..current import state

__all__ = ["blueprint"]

blueprint = Blueprint("authorization", __name__)

NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))


@blueprint.post("/authorization")
def issue_token() -> Response:
    mock = state()
    credentials = read_credentials(request._get_current_object())  # type: ignore[attr-defined] - once, not per attribute
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
    response = jsonify(
        token_type="Bearer",  # noqa: S106 - the scheme name, not a secret
        access_token=issued.access_token,
        expires_in=issued.expires_in,
        scope=" ".join(sorted(user.permissions)),
    )
    headers = response.headers
    for name, value in NO_STORE:  # added, not set: a fresh answer has neither header to replace
        headers.add(name, value)  # one by one: `extend` first asks the Mapping ABC what NO_STORE is
    return response
