"""No password or full token in logs, the journal or error bodies."""

from __future__ import annotations

import logging
import socket
from urllib.parse import parse_qsl

import pytest
import requests

from contract_tests import redaction as suite_redaction
from mockserver import MockServer, Settings
from mockserver.core.redaction import (
    is_secret_field,
    loggable,
    redact_authorization,
    redact_fields,
    redact_query,
    redact_token,
)
from mockserver.core.state import MockState
from mockserver.http.credentials import Credentials

from ..conftest import DEMO, bearer, login, pytest_assertrepr_compare
from ..transport import Transport


@pytest.fixture(autouse=True)
def _no_secrets_of_the_suite(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the mock's own masking. In `make test` the contract suite's conftest masks
    every log message of the process with the secrets its runs registered (the bundled mock's `demo`
    among them, once any contract test ran in the same worker): each test here starts with none."""
    monkeypatch.setattr(suite_redaction, "REDACTOR", suite_redaction.Redactor())


TOKEN = "abcdEFGHijklMNOPqrstUVWXyz0123456789-_abcde"


def test_a_token_keeps_only_a_short_prefix() -> None:
    assert redact_token(TOKEN) == "abcd…(43 chars)"
    assert redact_token("short-token") == "***"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"Bearer {TOKEN}", "Bearer abcd…(43 chars)"),
        ("Basic ZGVtbzpkZW1vLXBhc3N3b3Jk", "Basic ***"),
        ("Bearer", "Bearer"),
        (f"Bearer\t{TOKEN}", "Bearer abcd…(43 chars)"),
        (f"  bearer   {TOKEN}  ", "bearer abcd…(43 chars)"),
        (TOKEN, "abcd…(43 chars)"),  # a token sent without a scheme
        ("hunter2", "***"),
        (f"{TOKEN} trailing", "***"),  # no scheme is that long: the first word is a token
        ("Custom hunter2", "Custom ***"),
    ],
)
def test_authorization_headers_are_masked(value: str, expected: str) -> None:
    assert redact_authorization(value) == expected


def test_secret_fields_are_masked_wherever_they_come_from() -> None:
    fields = {"username": "demo", "password": "pw", "Access_Token": "t", "client_secret": "c"}
    assert redact_fields(fields) == {
        "username": "demo",
        "password": "***",
        "Access_Token": "***",
        "client_secret": "***",
    }
    assert redact_query("username=demo&password=p%40ss") == "username=demo&password=***"


def test_secret_fields_are_masked_at_any_depth_and_in_any_spelling() -> None:
    body = {
        "user": {"name": "demo", "password": "pw1", "keys": [{"api_key": "k1"}]},
        "new_password": "pw2",
        "X-Api-Key": "k2",
        "id_token": "t1",
        "token_type": "Bearer",
    }
    assert redact_fields(body) == {
        "user": {"name": "demo", "password": "***", "keys": [{"api_key": "***"}]},
        "new_password": "***",
        "X-Api-Key": "***",
        "id_token": "***",
        "token_type": "Bearer",
    }
    assert redact_query("new_password=pw2&x_api_key=k&scope=a") == "new_password=***&x_api_key=***&scope=a"
    assert redact_query("password[]=pw3&user[password]=pw4") == "password%5B%5D=***&user%5Bpassword%5D=***"


def test_the_journal_masks_every_header_and_field_that_carries_a_secret(api: Transport) -> None:
    secrets = ["proxy-secret-1", "api-key-secret-2", "nested-secret-3", "changed-secret-4", TOKEN]
    secrets += ["client-secret-5", "refresh-token-6", "password-7", "session-cookie-8"]
    api.request(
        "POST",
        "/authorization",
        json={
            "username": "demo",
            "password": "x",
            "profile": {"password": secrets[2]},
            "new_password": secrets[3],
        },
        headers={
            "Proxy-Authorization": f"Basic {secrets[0]}",
            "X-Api-Key": secrets[1],
            "Authorization": f"Bearer\t{TOKEN}",
            "X-Client-Secret": secrets[5],
            "X-Refresh-Token": secrets[6],
            "X-Password": secrets[7],
            "Cookie": f"session={secrets[8]}",
        },
    )
    journal = api.request("GET", "/_mock/requests").text
    assert "/authorization" in journal
    assert [secret for secret in secrets if secret in journal] == []


@pytest.mark.parametrize("settings", [Settings()], ids=["logging-on"])
def test_the_request_log_cannot_be_forged_with_a_newline(
    api: Transport, caplog: pytest.LogCaptureFixture, settings: Settings
) -> None:
    caplog.set_level(logging.INFO, logger="mockserver")
    assert api.request("GET", "/openapi.json%0AGET%20/me%20200").status == 404
    lines = [record.getMessage() for record in caplog.records if "/openapi.json" in record.getMessage()]
    assert len(lines) == 1
    assert "\n" not in lines[0]
    assert "/openapi.json\\x0aGET /me 200 404" in lines[0]


@pytest.mark.parametrize("settings", [Settings()], ids=["logging-on"])
@pytest.mark.parametrize(
    ("encoded", "escaped"),
    [("%E2%80%A8", "\\u2028"), ("%E2%80%A9", "\\u2029"), ("%E2%80%AE", "\\u202e"), ("%EF%BB%BF", "\\ufeff")],
    ids=["line-separator", "paragraph-separator", "right-to-left-override", "byte-order-mark"],
)
def test_the_request_log_shows_unicode_separators_and_format_controls_escaped(
    api: Transport, caplog: pytest.LogCaptureFixture, settings: Settings, encoded: str, escaped: str
) -> None:
    """Through the app's own log record, not only the served log's formatter: an embedding app's
    logging gets the path escaped too."""
    caplog.set_level(logging.INFO, logger="mockserver")
    assert api.request("GET", f"/openapi.json{encoded}x").status == 404
    lines = [record.getMessage() for record in caplog.records if "/openapi.json" in record.getMessage()]
    assert len(lines) == 1
    assert f"/openapi.json{escaped}x" in lines[0]


def test_loggable_leaves_printable_text_alone() -> None:
    assert loggable("/caf\u00e9/\u65e5\u672c/a b") == "/caf\u00e9/\u65e5\u672c/a b"


def test_an_unparsable_request_line_is_logged_without_its_query(
    server: MockServer, caplog: pytest.LogCaptureFixture
) -> None:
    """werkzeug's own error log quotes the raw request line, where a password may sit."""
    caplog.set_level(logging.INFO)
    request = b"GET /authorization?password=hunter2-secret HTTP/1.1 extra words\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(request)
        assert b"400" in connection.recv(4096)
    server.stop()  # the handler thread has logged by the time the server is down
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "refused a request it could not parse (400)" in logged
    assert "hunter2-secret" not in logged


@pytest.mark.parametrize(
    ("path", "body", "secret"),
    [
        ("/_mock/users", {"username": "u", "password": "\x01hunter2-secret"}, "hunter2-secret"),
        ("/_mock/revoke", {"token": "revoked-token-secret", "username": "u"}, "revoked-token-secret"),
        ("/_mock/users", {"username": "u", "password": "hunter2-secret", "extra": 1}, "hunter2-secret"),
        (
            "/_mock/faults",
            {"status": 500, "headers": {"Authorization": "Bearer token-secret-é"}},
            "token-secret",
        ),
    ],
)
def test_control_api_errors_never_quote_a_secret(api: Transport, path: str, body: dict, secret: str) -> None:
    reply = api.request("POST", path, json=body)
    assert reply.status == 400
    assert reply.body["error_description"]
    assert secret not in reply.text


def test_objects_holding_secrets_do_not_show_them_in_their_repr(mock: MockState) -> None:
    issued = mock.tokens.issue("demo")
    shown = repr(Credentials("demo", "hunter2-secret")) + repr(issued)
    shown += repr(
        Settings(store="redis://:redis-secret@127.0.0.1:6379/0", control_token="control-secret-0123456789")
    )
    assert "demo" in shown
    for secret in ("hunter2-secret", issued.access_token, "redis-secret", "control-secret-0123456789"):
        assert secret not in shown


@pytest.mark.parametrize("settings", [Settings()], ids=["logging-on"])
def test_the_request_log_has_no_secrets(
    api: Transport, caplog: pytest.LogCaptureFixture, settings: Settings
) -> None:
    caplog.set_level(logging.INFO, logger="mockserver")
    token = login(api)
    api.request("GET", "/me", headers=bearer(token))
    api.request("POST", "/authorization", params={"username": "demo", "password": DEMO[1]})
    api.request("POST", "/authorization", data={"username": "demo", "password": "wrong-guess-123"})
    lines = [record.getMessage() for record in caplog.records]
    assert any(line.startswith("POST /authorization?username=demo&password=*** 200") for line in lines)
    assert any(line.startswith("GET /me 200") for line in lines)
    text = "\n".join(lines)
    for secret in (DEMO[1], "wrong-guess-123", token):
        assert secret not in text


def test_error_bodies_never_echo_the_password(api: Transport) -> None:
    reply = api.request("POST", "/authorization", data={"username": "demo", "password": "guess\x00pw"})
    assert reply.status == 400
    assert "guess" not in reply.text


def test_a_failed_not_in_assertion_shows_neither_string() -> None:
    """The project's own tests assert `secret not in output`; their failures must not print it."""
    lines = pytest_assertrepr_compare("not in", "hunter2-secret", "log: hunter2-secret")
    assert lines is not None
    assert lines[0].endswith("offset 5 of 19")
    assert not any("hunter2" in line for line in lines)
    assert pytest_assertrepr_compare("==", "a", "b") is None


# The one table of names: masked (True) wherever they appear, as a body field, a query parameter or a
# header (its dashed spelling), or shown (False): a masking rule too wide would hide what tests read.
SECRET_NAMES = [
    ("password", True),
    ("new_password", True),
    ("passwd", True),
    ("pwd", True),
    ("pass", True),
    ("passphrase", True),
    ("otp", True),
    ("client_secret", True),
    ("clientSecret", True),
    ("client_assertion", True),
    ("assertion", True),
    ("code", True),
    ("code_verifier", True),
    ("device_code", True),
    ("user_code", True),
    ("access_token", True),
    ("accessToken", True),
    ("refresh_token", True),
    ("id_token", True),
    ("token", True),
    ("private_key", True),
    ("privateKey", True),
    ("api_key", True),
    ("credentials", True),
    ("X-Api-Key", True),
    ("X-Auth-Key", True),
    ("X-Secret-Key", True),
    ("Ocp-Apim-Subscription-Key", True),
    ("X-Auth", True),
    ("X-Auth-Token", True),
    ("X-Amz-Security-Token", True),
    # a word of its own within the name, or a whole name (issue 31 item 13)
    ("key", True),
    ("sig", True),
    ("X-Amz-Signature", True),
    ("jwt", True),
    ("id_token_hint", True),
    ("SAMLResponse", True),
    ("session", True),
    ("pin", True),
    ("X-Hub-Signature-256", True),
    ("x-api-key", True),
    ("apiKey", True),
    ("user_pin", True),
    ("X-Session", True),
    ("username", False),
    ("grant_type", False),
    ("token_type_hint", False),
    ("token_type", False),
    ("client_id", False),
    ("client_assertion_type", False),
    ("code_challenge", False),
    ("code_challenge_method", False),
    ("redirect_uri", False),
    ("scope", False),
    ("state", False),
    ("country_code", False),
    ("compass", False),
    ("Idempotency-Key", False),
    ("X-Request-Id", False),
    ("X-Author", False),
    # the same letters inside a longer word, or a word that only starts like one
    ("monkey", False),
    ("design", False),
    ("spinner", False),
    ("assignment", False),
    ("keys", False),
    ("key_id", False),
    ("signature_method", False),
    ("session_state", False),
    ("jwks_uri", False),
    ("pinned", False),
]


def test_the_mask_rule_on_its_table() -> None:
    assert [name for name, masked in SECRET_NAMES if is_secret_field(name) != masked] == []


@pytest.mark.parametrize("settings", [Settings()], ids=["logging-on"])
def test_every_secret_name_is_masked_in_the_journal_and_the_log(
    server: MockServer, caplog: pytest.LogCaptureFixture, settings: Settings
) -> None:
    caplog.set_level(logging.INFO, logger="mockserver")
    values = {name: f"value-{index:02d}-of-{name.lower()}" for index, (name, _) in enumerate(SECRET_NAMES)}
    batch = 20  # a journal entry keeps 32 headers: a few names at a time, beside the client's own headers
    for start in range(0, len(SECRET_NAMES), batch):
        sent = {name: values[name] for name, _ in SECRET_NAMES[start : start + batch]}
        requests.post(
            server.url_for("/accounts"),
            params=sent,
            json=sent,
            headers={name.replace("_", "-"): value for name, value in sent.items()},
            timeout=5,
        )
    journal = requests.get(server.url_for("/_mock/requests"), timeout=5).json()["requests"]
    log = "\n".join(record.getMessage() for record in caplog.records if "/accounts" in record.getMessage())
    for index, (name, masked) in enumerate(SECRET_NAMES):
        entry = journal[index // batch]
        headers = {header.lower(): value for header, value in entry["headers"].items()}
        shown = {
            "body": entry["form"][name],
            "query": dict(parse_qsl(entry["query"]))[name],
            "header": headers[name.replace("_", "-").lower()],
            "log": values[name] if values[name] in log else "***",
        }
        wanted = "***" if masked else values[name]
        assert shown == dict.fromkeys(shown, wanted), name
