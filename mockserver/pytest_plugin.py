"""The pytest plugin other projects get by installing authcontract: a running mock and a token, as fixtures.

Registered through the `pytest11` entry point `authcontract`, so it loads in every pytest run of an
environment where the package is installed. That is why it only declares fixtures and one ini
option, nothing autouse, and imports the mock (Flask and all) only when a test asks for it:
a project that never uses these fixtures pays for one small module import. `-p no:authcontract`
turns it off altogether.

    def test_expired_token_is_refused(auth_mock, auth_token):
        auth_mock.advance(3601)
        assert my_client(auth_mock.url, auth_token).get("/me").status_code == 401
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .serving.server import MockServer
    from .settings import Settings
    from .testing import AuthMock

__all__ = [
    "auth_mock",
    "auth_mock_server",
    "auth_mock_settings",
    "auth_mock_user",
    "auth_token",
    "configured_port",
    "pytest_addoption",
]

CONFIG_INI = "auth_mock_config"
PORT_INI = "auth_mock_port"
PORT_OPTION = "--auth-mock-port"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        CONFIG_INI,
        "mockserver TOML settings file for the auth_mock fixture, relative to the rootdir",
        default="",
    )
    parser.addini(PORT_INI, "port of the auth_mock fixture's server (0 or unset: a free port)", default="")
    parser.addoption(
        PORT_OPTION,
        type=int,
        default=None,
        metavar="PORT",
        help=f"port of the auth_mock fixture's server; beats the ini's {PORT_INI} (0: a free port)",
    )


def configured_port(pytestconfig: pytest.Config, settings: Settings) -> int:
    """The port the session's mock binds: the option, else the ini, else a `port` other than the
    default (8080) in its settings; 0, a free port, when none of them sets one."""
    from .settings import Settings

    option = pytestconfig.getoption(PORT_OPTION)
    if option is not None:
        return _valid_port(option, PORT_OPTION)
    ini = str(pytestconfig.getini(PORT_INI)).strip()
    if ini:
        if not ini.isdigit():
            pytest.fail(f"{PORT_INI} must be a port number (0: a free port), not {ini!r}", pytrace=False)
        return _valid_port(int(ini), PORT_INI)
    return settings.port if settings.port != Settings.port else 0


def _valid_port(port: int, source: str) -> int:
    if not 0 <= port <= 65535:
        pytest.fail(
            f"{source} must be a port number from 0 to 65535 (0: a free port), not {port}", pytrace=False
        )
    return port


@pytest.fixture(scope="session")
def auth_mock_settings(pytestconfig: pytest.Config) -> Settings:
    """The mock's settings: the ini file's `auth_mock_config` if set, else the defaults, quiet.

    Override this fixture (session scope) in a conftest.py to choose the settings in Python.
    """
    from .settings import load_settings

    config_file = pytestconfig.getini(CONFIG_INI)
    path = Path(pytestconfig.rootpath, config_file) if config_file else None
    return load_settings(config_file=path, overrides={"log_requests": False})


@pytest.fixture(scope="session")
def auth_mock_server(auth_mock_settings: Settings, pytestconfig: pytest.Config) -> Iterator[MockServer]:
    """One mock for the session, in a thread, on 127.0.0.1 and its configured port (see
    `configured_port`), else a free one; stopped at the end."""
    from .serving.server import MockServer

    port = configured_port(pytestconfig, auth_mock_settings)
    server = MockServer(auth_mock_settings, port=port)
    try:
        server.start()
    except (OSError, SystemExit):  # werkzeug exits when the port is taken (another run, an xdist worker)
        pytest.fail(f"auth_mock cannot listen on 127.0.0.1:{port}: the port is in use", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def auth_mock(auth_mock_server: MockServer, auth_mock_settings: Settings) -> Iterator[AuthMock]:
    """The session's mock, reset for this test: its clock, tokens, users, faults and journal as at start."""
    from .testing import AuthMock

    handle = AuthMock(
        auth_mock_server.url,
        control_token=auth_mock_settings.control_token,
        ca_bundle=auth_mock_server.ca_bundle,
    )
    handle.reset()
    yield handle
    handle.close()


@pytest.fixture
def auth_mock_user() -> tuple[str, str]:
    """Who `auth_token` logs in as: override (or parametrize indirectly) to use another user."""
    from .data import demo_credentials

    return demo_credentials()


@pytest.fixture
def auth_token(auth_mock: AuthMock, auth_mock_user: tuple[str, str]) -> str:
    """A valid access token for `auth_mock_user`, issued by `auth_mock` for this test."""
    username, password = auth_mock_user
    return auth_mock.token(username, password)
