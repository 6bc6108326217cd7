"""POST /authorization: username and password in, a Bearer token out (RFC 6749 §4.3, §5.1)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.errors import OAuthError
from ...core.state import MockState
from ..credentials import Credentials, credentials_of_form, read_credentials
from ..current import state
from ..journal_entry import remember_issued

__all__ = ["NO_STORE", "blueprint", "form_token_fields", "token_fields"]

blueprint = Blueprint("authorization", __name__)

NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))


@blueprint.post("/authorization")
def issue_token() -> Response:
    credentials = read_credentials(request._get_current_object())  # type: ignore[attr-defined] - once, not per attribute
    response = jsonify(token_fields(credentials, state(), request.environ))
    headers = response.headers
    for name, value in NO_STORE:  # added, not set: a fresh answer has neither header to replace
        headers.add(name, value)  # one by one: `extend` first asks the Mapping ABC what NO_STORE is
    return response


def token_fields(credentials: Credentials, mock: MockState, environ: dict[str, Any]) -> dict[str, Any]:
    """The login's answer: a token for the user whose password it is, or the error that refuses it.

    The one place that decides it, for the Flask view and for the direct lane (`direct.py`); the
    token is left in `environ` for the request's journal entry.
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


def form_token_fields(
    environ: dict[str, Any], mock: MockState, body: bytes, form: list[tuple[str, str]]
) -> dict[str, Any]:
    """`token_fields` of a urlencoded login without a query string, for the direct lane: `form` is
    the body as `parse_urlencoded` reads it."""
    return token_fields(credentials_of_form(body, form), mock, environ)
