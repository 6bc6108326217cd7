"""Every exchange with a platform ends, and holds a bounded answer (contract_tests/limits.py).

Over real sockets: a platform that trickles its answer one byte at a time passes every per-read
timeout, and one that answers a small gzip body decoding to 64 MiB would fill the memory. Both
end as a target error naming the limit, after a bounded number of bytes; nothing is retried.
"""

from __future__ import annotations

import tracemalloc

import pytest
import requests

from contract_tests.client import ContractClient, TargetOverLimit
from contract_tests.limits import (
    BODY_CAP,
    CHUNK,
    DEADLINE_FACTOR,
    ExchangeTooLarge,
    ExchangeTooSlow,
    deadline_for,
    mount_limits,
)
from contract_tests.login import Login
from contract_tests.preflight import SettingsMistake, preflight
from contract_tests.redaction import Secret
from mockserver import MockServer

from .conftest import SuiteRunner
from .hostile import TRICKLE_MAX, serve_hostile
from .targets import Platform, platform_app, resolve_to_loopback, serve

TIMEOUT = 1.0  # per read: each trickled byte comes well within it; the deadline is 3 s


@pytest.mark.parametrize("mode", ["trickle-head", "trickle-body"])
def test_a_trickled_answer_ends_at_the_deadline_as_a_target_error(mode: str) -> None:
    with serve_hostile(mode) as server:
        client = ContractClient(server.url, timeout=TIMEOUT)
        try:
            with pytest.raises(TargetOverLimit) as raised:
                client.get("/me")
        finally:
            client.close()
    deadline = DEADLINE_FACTOR * TIMEOUT
    assert str(raised.value) == (
        f"the target's answer broke a limit: the answer was not complete within {deadline:g} s "
        f"({DEADLINE_FACTOR} x the {TIMEOUT:g} s timeout): GET {server.url}/me"
    )
    assert server.connections == 1  # not retried: a second attempt would cost as much again
    # about deadline / 0.05 s = 60 bytes; the trickle would have given TRICKLE_MAX before closing
    assert 0 < server.sent < TRICKLE_MAX // 4


def test_a_gzip_bomb_is_refused_past_the_cap_having_decoded_at_most_one_chunk_more() -> None:
    with serve_hostile("bomb") as server, requests.Session() as session:
        mount_limits(session)
        tracemalloc.start()
        try:
            with pytest.raises(ExchangeTooLarge) as raised:
                session.get(server.url + "/authorization", timeout=TIMEOUT)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert str(raised.value) == "the answer's body is larger than 1 MiB (decoded)"
    assert BODY_CAP < raised.value.decoded <= BODY_CAP + CHUNK
    assert peak < 8 * BODY_CAP  # the whole bomb decoded would be 64 MiB
    assert server.connections == 1


def test_the_suite_client_names_the_cap_in_one_line_and_does_not_retry() -> None:
    with serve_hostile("bomb") as server:
        client = ContractClient(server.url, timeout=TIMEOUT)
        try:
            with pytest.raises(TargetOverLimit) as raised:
                client.request("POST", "/authorization", data={"username": "u", "password": "p"})
        finally:
            client.close()
    assert str(raised.value) == (
        "the target's answer broke a limit: the answer's body is larger than 1 MiB (decoded): "
        f"POST {server.url}/authorization"
    )
    assert server.connections == 1


@pytest.mark.parametrize("mode", ["trickle-body", "bomb"])
def test_the_preflight_stops_the_run_on_a_login_past_a_limit(mode: str) -> None:
    """Before any check: a platform whose login breaks a limit would cost every check the deadline."""
    login = Login("/authorization", "form", (), Secret("qa"), Secret("pw"))
    with serve_hostile(mode) as server:
        client = ContractClient(server.url, timeout=TIMEOUT)
        try:
            with pytest.raises(SettingsMistake, match=r"^the target's answer broke a limit: .*: POST "):
                preflight(client, login, "/me", lambda: 0.0)
        finally:
            client.close()
    assert server.connections == 1  # no probe of the protected path after a limit: the run stops


def test_an_exchange_within_its_limits_is_read_whole(server: MockServer) -> None:
    with requests.Session() as session:
        mount_limits(session)
        first = session.get(server.url + "/openapi.json", timeout=TIMEOUT)
        second = session.get(server.url + "/openapi.json", timeout=TIMEOUT)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()


@pytest.mark.parametrize(
    ("timeout", "seconds"),
    [(2.0, 6.0), ((1.0, 4.0), 12.0), ((None, 2.0), 6.0), (None, 30.0)],
)
def test_the_deadline_is_a_multiple_of_the_longest_timeout(timeout: object, seconds: float) -> None:
    assert deadline_for(timeout) == seconds


def test_the_limits_are_requests_errors_for_the_clients_that_catch_those() -> None:
    """Locust's session and compare's client record a requests exception as a failed exchange."""
    assert issubclass(ExchangeTooSlow, requests.RequestException)
    assert issubclass(ExchangeTooLarge, requests.RequestException)


def test_plain_http_off_the_loopback_is_refused_before_any_login(
    suite: SuiteRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name off the loopback that resolves to a listener here: the suite stops before sending anything."""
    resolve_to_loopback(monkeypatch, "staging.platform.test")
    platform = Platform()
    with serve(platform_app(platform, suite.clock), name="staging.platform.test") as base_url:
        outcome = suite.run_live(suite.env(platform, base_url))
    assert outcome.ret == 4, outcome.text
    assert f"contract suite: CONTRACT_BASE_URL {base_url} is plain http off the loopback" in outcome.text
    assert not platform.logins, "the password was sent in clear"
    assert platform.password not in outcome.text
