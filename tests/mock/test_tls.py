"""HTTPS: the mock under a test CA or a given certificate, and real OAuth clients that insist on TLS.

None of these clients is told to allow insecure transport: requests-oauthlib refuses plain http
without OAUTHLIB_INSECURE_TRANSPORT, which is the point of serving HTTPS.
"""

from __future__ import annotations

import re
import socket
import ssl
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import requests
import trustme
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
from oauthlib.oauth2 import LegacyApplicationClient
from requests_oauthlib import OAuth2Session

from mockserver import MockServer, Settings

from ..conftest import DEMO
from ..processes import mock_process

TIMEOUT = 5


@pytest.fixture(scope="module")
def https_mock() -> Iterator[MockServer]:
    with MockServer(Settings(tls=True, log_requests=False)) as running:
        yield running


def test_the_test_ca_is_private_and_goes_with_the_server() -> None:
    with MockServer(Settings(tls=True, log_requests=False)) as running:
        assert running.url.startswith("https://127.0.0.1:")
        assert running.ca_bundle is not None
        directory = running.ca_bundle.parent
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in directory.iterdir()} == {
            "ca.pem": 0o600,
            "cert.pem": 0o600,
            "key.pem": 0o600,
        }
    assert not directory.exists()


def test_a_client_that_does_not_trust_the_test_ca_is_refused(https_mock: MockServer) -> None:
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(https_mock.url_for("/me"), timeout=TIMEOUT)


def test_requests_oauthlib_logs_in_and_calls_me_without_insecure_transport(
    https_mock: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    ca = str(https_mock.ca_bundle)  # per call: a session's verify loses to REQUESTS_CA_BUNDLE
    session = OAuth2Session(client=LegacyApplicationClient(client_id="any-client"))
    token = session.fetch_token(
        token_url=https_mock.url_for("/authorization"),
        username=DEMO[0],
        password=DEMO[1],
        include_client_id=True,
        timeout=TIMEOUT,
        verify=ca,
    )
    assert token["token_type"] == "Bearer"
    me = session.get(https_mock.url_for("/me"), timeout=TIMEOUT, verify=ca)
    assert (me.status_code, me.json()["username"]) == (200, "demo")


def test_authlib_logs_in_and_calls_me(https_mock: MockServer) -> None:
    ca = str(https_mock.ca_bundle)
    with AuthlibSession(client_id="any-client") as client:
        token = client.fetch_token(
            https_mock.url_for("/authorization"),
            username=DEMO[0],
            password=DEMO[1],
            grant_type="password",
            timeout=TIMEOUT,
            verify=ca,
        )
        assert token["token_type"] == "Bearer"
        me = client.get(https_mock.url_for("/me"), timeout=TIMEOUT, verify=ca)
    assert (me.status_code, me.json()["username"]) == (200, "demo")


def test_httpx_logs_in_and_calls_me(https_mock: MockServer) -> None:
    trust = ssl.create_default_context(cafile=str(https_mock.ca_bundle))
    with httpx.Client(verify=trust, timeout=TIMEOUT) as client:
        issued = client.post(
            https_mock.url_for("/authorization"), data={"username": DEMO[0], "password": DEMO[1]}
        )
        token = issued.json()["access_token"]
        me = client.get(https_mock.url_for("/me"), headers={"Authorization": f"Bearer {token}"})
    assert (me.status_code, me.json()["username"]) == (200, "demo")


@pytest.mark.processes
def test_the_served_mock_under_a_given_certificate(tmp_path: Path) -> None:
    """granian, as `make run` serves it, with the team's own certificate and key."""
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1")
    cert, key, ca = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    issued.cert_chain_pems[0].write_to_path(cert)
    issued.private_key_pem.write_to_path(key)
    authority.cert_pem.write_to_path(ca)
    with mock_process("--quiet", "--workers", "1", "--tls-cert", str(cert), "--tls-key", str(key)) as mock:
        assert mock.url.startswith("https://")
        issued_token = requests.post(
            f"{mock.url}/authorization",
            data={"username": DEMO[0], "password": DEMO[1]},
            verify=ca,
            timeout=TIMEOUT,
        )
        assert issued_token.status_code == 200


@pytest.mark.processes
def test_tls_flag_prints_where_the_test_ca_is_and_serves_under_it() -> None:
    with mock_process("--server", "werkzeug", "--tls") as mock:
        assert mock.process.stderr is not None
        line = next(line for line in iter(mock.process.stderr.readline, "") if "serving the mock" in line)
        found = re.search(r"trust the test CA in (\S+\.pem)", line)
        assert found, line
        me = requests.get(f"{mock.url}/me", verify=found.group(1), timeout=TIMEOUT)
        assert me.status_code == 401
    assert not Path(found.group(1)).exists()


def test_a_given_certificate_needs_its_key() -> None:
    from mockserver import ConfigError

    with pytest.raises(ConfigError, match="tls_cert"):
        Settings(tls_cert=Path(__file__))


# Issue 31 item 6: werkzeug ran each TLS handshake in its accept loop, with no timeout.
ANSWERED_WITHIN = 10  # generous on a busy runner: before the fix, no answer came at all


def _stop_returns(server: MockServer, within: float) -> bool:
    stopping = threading.Thread(target=server.stop, daemon=True)
    stopping.start()
    stopping.join(within)
    return not stopping.is_alive()


def test_an_idle_connection_neither_stalls_other_clients_nor_stop() -> None:
    server = MockServer(Settings(tls=True, log_requests=False, read_timeout=60)).start()
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)  # never says a word
    try:
        me = requests.get(server.url_for("/me"), verify=str(server.ca_bundle), timeout=ANSWERED_WITHIN)
        assert me.status_code == 401
        assert _stop_returns(server, ANSWERED_WITHIN)
    finally:
        idle.close()
        server.stop()


def test_a_silent_connection_is_closed_after_the_read_timeout() -> None:
    server = MockServer(Settings(tls=True, log_requests=False, read_timeout=1))
    with server, socket.create_connection(("127.0.0.1", server.port), timeout=ANSWERED_WITHIN) as idle:
        assert idle.recv(1) == b""  # closed by the server, not by our timeout (which would raise)


@pytest.mark.processes
def test_the_served_werkzeug_mock_answers_while_an_idle_connection_is_held() -> None:
    with mock_process("--server", "werkzeug", "--tls", "--quiet") as mock:
        assert mock.process.stderr is not None
        line = next(line for line in iter(mock.process.stderr.readline, "") if "serving the mock" in line)
        found = re.search(r"trust the test CA in (\S+\.pem)", line)
        assert found, line
        with socket.create_connection(("127.0.0.1", mock.port), timeout=TIMEOUT):
            me = requests.get(f"{mock.url}/me", verify=found.group(1), timeout=ANSWERED_WITHIN)
            assert me.status_code == 401
