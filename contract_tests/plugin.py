"""The one place where the target is chosen: the bundled mock, or a live platform from the settings.

Everything target-specific lives here and in expiry.py: which URL, which credentials, and whether
the target's clock can be moved (only the bundled mock's can). The fixtures below hand the tests
a target-neutral view, so the same tests run unchanged against both kinds of target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import requests

from . import expiry as expiry_module
from .checks import Clause, json_body
from .client import ContractClient, TargetUnavailable, TargetUnreachable
from .expiry import Expiry
from .login import Login, TokenSource, announced_lifetime
from .probes import Probes
from .redaction import Secret
from .settings import ContractSettings

__all__ = [
    "EXIT_INCONCLUSIVE",
    "EXIT_UNREACHABLE",
    "LIVE_BUDGET",
    "MOCK_BUDGET",
    "SETTINGS_KEY",
    "Budget",
    "Target",
    "clause",
    "contract_client",
    "contract_settings",
    "contract_target",
    "expired_token",
    "expiry",
    "login",
    "login_reply",
    "nearly_expired_token",
    "open_target",
    "probes",
    "token",
    "token_source",
]

SETTINGS_KEY = pytest.StashKey[ContractSettings]()
EXIT_INCONCLUSIVE = 3  # no verdict: the target gave no usable answer to some checks, and none failed
EXIT_UNREACHABLE = EXIT_INCONCLUSIVE  # the run stopped at once: nothing answered at all
MOCK_USERNAME, MOCK_PASSWORD, MOCK_PROTECTED_PATH = "demo", "demo-password", "/me"


@dataclass(frozen=True)
class Budget:
    """How hard schemathesis may push: examples per operation, and whether to send invalid data."""

    examples: int
    negative: bool


# A live platform gets a few examples only: each is a failed login, and accounts lock.
MOCK_BUDGET = Budget(examples=50, negative=True)
LIVE_BUDGET = Budget(examples=3, negative=False)


@dataclass(frozen=True)
class Target:
    description: str
    base_url: str
    login: Login
    protected_path: str
    settings: ContractSettings
    move_clock: Callable[[float], None] | None
    budget: Budget


@contextmanager
def open_target(settings: ContractSettings) -> Iterator[Target]:
    """The live target the settings name, else the bundled mock on a free loopback port."""
    if settings.base_url is not None:
        # ContractSettings refuses a live base URL without these
        assert settings.username is not None
        assert settings.password is not None
        assert settings.protected_path is not None
        yield Target(
            description=f"live {settings.base_url}",
            base_url=settings.base_url,
            login=_login(settings, settings.username, settings.password),
            protected_path=settings.protected_path,
            settings=settings,
            move_clock=None,
            budget=LIVE_BUDGET,
        )
        return
    from mockserver import MockServer
    from mockserver import Settings as MockSettings

    with MockServer(MockSettings(log_requests=False)) as server:
        yield Target(
            description=f"bundled mock at {server.url}",
            base_url=server.url,
            login=_login(settings, Secret(MOCK_USERNAME), Secret(MOCK_PASSWORD)),
            protected_path=settings.protected_path or MOCK_PROTECTED_PATH,
            settings=settings,
            move_clock=server.state.clock.advance,
            budget=MOCK_BUDGET,
        )


def _login(settings: ContractSettings, username: Secret, password: Secret) -> Login:
    return Login(settings.token_path, settings.credentials_in, settings.token_params, username, password)


@pytest.fixture(scope="session")
def contract_settings(request: pytest.FixtureRequest) -> ContractSettings:
    return request.config.stash[SETTINGS_KEY]


@pytest.fixture(scope="session")
def contract_target(contract_settings: ContractSettings) -> Iterator[Target]:
    with open_target(contract_settings) as target:
        yield target


@pytest.fixture(scope="session")
def contract_client(contract_target: Target) -> Iterator[ContractClient]:
    """A client of the target, once it has answered anything at all; else the run stops, in one line.

    Any answer will do here, a 503 too: this probe is no check. The checks that meet such an answer
    end as target errors, each naming its exchange.
    """
    client = ContractClient(contract_target.base_url, timeout=contract_target.settings.timeout)
    try:
        client.get(contract_target.protected_path)
    except TargetUnavailable:
        pass
    except TargetUnreachable as exc:
        client.close()
        pytest.exit(f"contract suite: {exc}", returncode=EXIT_UNREACHABLE)
    yield client
    client.close()


@pytest.fixture(scope="session")
def login(contract_target: Target) -> Login:
    return contract_target.login


@pytest.fixture(scope="session")
def login_reply(login: Login, contract_client: ContractClient) -> requests.Response:
    """The answer to one login with the valid credentials, shared by every check of it."""
    return login.send(contract_client)


@pytest.fixture(scope="session")
def token_source(login: Login, contract_client: ContractClient) -> TokenSource:
    return TokenSource(login, contract_client, lambda: expiry_module.CLOCK.now())


@pytest.fixture
def token(token_source: TokenSource) -> Secret:
    """A valid token: shared while young, renewed when half its announced life is gone."""
    return token_source.current()


@pytest.fixture(scope="session")
def probes(
    request: pytest.FixtureRequest,
    contract_client: ContractClient,
    contract_target: Target,
    token_source: TokenSource,
) -> Probes:
    """The expiry is fetched only when the expired token is probed: a failed login fails that probe alone."""
    return Probes(
        contract_client,
        contract_target.login,
        contract_target.protected_path,
        token_source,
        lambda: request.getfixturevalue("expiry"),
    )


@pytest.fixture(scope="session")
def expiry(
    contract_target: Target, contract_client: ContractClient, login_reply: requests.Response
) -> Expiry:
    announced = announced_lifetime(json_body(login_reply))
    return Expiry(
        contract_target.login,
        contract_client,
        contract_target.settings,
        contract_target.move_clock,
        announced,
    )


@pytest.fixture
def expired_token(expiry: Expiry) -> Iterator[Secret]:
    with expiry.expired_token() as token:
        yield token


@pytest.fixture
def nearly_expired_token(expiry: Expiry) -> Iterator[Secret]:
    with expiry.nearly_expired_token() as token:
        yield token


@pytest.fixture
def clause(request: pytest.FixtureRequest) -> Clause:
    """The clause the requesting test enforces, read from its docstring and marker."""
    return Clause.of(request.node)
