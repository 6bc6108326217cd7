"""The one place where the target is chosen: the bundled mock, or a live platform from the settings.

Everything target-specific lives here and in expiry.py: which URL, which credentials, and whether
the target's clock can be moved (only the bundled mock's can). The fixtures below hand the tests
a target-neutral view, so the same tests run unchanged against both kinds of target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import pytest
import requests

from . import expiry as expiry_module
from .checks import Clause, json_body
from .client import ContractClient
from .demo import MOCK_PROTECTED_PATH, demo_user
from .exits import SuiteExit
from .expiry import Expiry
from .heap import freeze_once
from .login import Login, TokenSource, announced_lifetime
from .preflight import Preflight, SettingsMistake, preflight
from .probes import Probes
from .redaction import Secret
from .settings import ContractSettings

__all__ = [
    "EXIT_INCONCLUSIVE",
    "EXIT_INTERRUPTED",
    "EXIT_NO_VERDICT",
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
    "preflight_result",
    "probes",
    "token",
    "token_source",
]

SETTINGS_KEY = pytest.StashKey[ContractSettings]()
# the suite's statuses, as exits.py names them (kept here for the scripts that import them)
EXIT_NO_VERDICT = SuiteExit.NO_VERDICT  # the run gives no verdict on the platform, and no check failed
EXIT_INCONCLUSIVE = SuiteExit.NO_VERDICT  # the target gave no usable answer to some checks
EXIT_UNREACHABLE = SuiteExit.NO_VERDICT  # the pre-flight stopped the run: nothing answered, or a setting
EXIT_INTERRUPTED = SuiteExit.INTERRUPTED  # Ctrl-C, during a wait for expiry too


@dataclass(frozen=True)
class Budget:
    """How hard schemathesis may push: examples per operation, and whether to send invalid data."""

    examples: int
    negative: bool


# A live platform gets a few examples only: each is a failed login, and accounts lock. The bundled
# mock gets invalid data too, so every check runs, negative_data_rejection included; 15 cases of
# each mode already send odd characters, extra fields, empty, missing and over-long credentials.
# Fuzzing the mock in depth is tests/mock/test_openapi_conformance.py's job (50 cases, `make fuzz` 1000).
MOCK_BUDGET = Budget(examples=15, negative=True)
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
            budget=_budget(LIVE_BUDGET, settings),
        )
        return
    from mockserver import MockServer
    from mockserver import Settings as MockSettings

    with MockServer(MockSettings(log_requests=False)) as server:
        yield Target(
            description=f"bundled mock at {server.url}",
            base_url=server.url,
            login=_login(settings, *demo_user()),
            protected_path=settings.protected_path or MOCK_PROTECTED_PATH,
            settings=settings,
            move_clock=server.state.clock.advance,
            budget=_budget(MOCK_BUDGET, settings),
        )


def _budget(default: Budget, settings: ContractSettings) -> Budget:
    """The target's budget, with CONTRACT_EXAMPLES (--contract-examples) when it is set."""
    return default if settings.examples is None else replace(default, examples=settings.examples)


def _login(settings: ContractSettings, username: Secret, password: Secret) -> Login:
    return Login(settings.token_path, settings.credentials_in, settings.token_params, username, password)


@pytest.fixture(scope="session")
def contract_settings(request: pytest.FixtureRequest) -> ContractSettings:
    return request.config.stash[SETTINGS_KEY]


@pytest.fixture(scope="session")
def contract_target(contract_settings: ContractSettings) -> Iterator[Target]:
    with open_target(contract_settings) as target:
        freeze_once()  # the imports are done: see heap.py
        yield target


@pytest.fixture(scope="session")
def contract_client(contract_target: Target) -> Iterator[ContractClient]:
    settings = contract_target.settings
    client = ContractClient(contract_target.base_url, timeout=settings.timeout, verify=settings.verify)
    yield client
    client.close()


@pytest.fixture(scope="session")
def preflight_result(contract_target: Target, contract_client: ContractClient) -> Preflight:
    """The pre-flight (preflight.py), before any check: a settings mistake or no answer stops the run
    in one line, with no verdict. Autouse in conftest.py, so that it comes before the first check."""
    try:
        return preflight(
            contract_client,
            contract_target.login,
            contract_target.protected_path,
            lambda: expiry_module.CLOCK.now(),
        )
    except SettingsMistake as exc:
        pytest.exit(f"contract suite: no verdict: {exc}", returncode=EXIT_NO_VERDICT)


@pytest.fixture(scope="session")
def login(contract_target: Target) -> Login:
    return contract_target.login


@pytest.fixture(scope="session")
def login_reply(
    login: Login, contract_client: ContractClient, preflight_result: Preflight
) -> requests.Response:
    """The answer to one login with the valid credentials, shared by every check of it: the pre-flight's."""
    if preflight_result.login_reply is not None:
        return preflight_result.login_reply
    if preflight_result.login_error is not None:
        raise preflight_result.login_error  # one target error, not one more attempt per check
    return login.send(contract_client)


@pytest.fixture(scope="session")
def token_source(login: Login, contract_client: ContractClient, preflight_result: Preflight) -> TokenSource:
    return TokenSource(
        login, contract_client, lambda: expiry_module.CLOCK.now(), first=preflight_result.issued
    )


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
