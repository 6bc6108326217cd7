"""Fault injection: a requests client sees each fault as configured; clearing restores normal answers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mockserver import MockServer, Settings
from mockserver.core import faults

from ..conftest import DEMO
from ..processes import mock_process

TIMEOUT = 5
CREDENTIALS = {"username": DEMO[0], "password": DEMO[1]}


@pytest.fixture
def mock() -> Iterator[MockServer]:
    with MockServer(Settings(log_requests=False)) as server:
        yield server


def add_fault(mock: MockServer, **spec: object) -> dict:
    reply = requests.post(mock.url_for("/_mock/faults"), json=spec, timeout=TIMEOUT)
    assert reply.status_code == 201, reply.text
    return reply.json()


def login(mock: MockServer) -> requests.Response:
    return requests.post(mock.url_for("/authorization"), data=CREDENTIALS, timeout=TIMEOUT)


def test_a_status_fault_answers_the_next_n_requests_then_stops(mock: MockServer) -> None:
    add_fault(mock, path="/authorization", status=503, body={"error": "maintenance"}, times=2)
    assert [login(mock).status_code for _ in range(3)] == [503, 503, 200]
    assert requests.get(mock.url_for("/_mock/faults"), timeout=TIMEOUT).json() == {"faults": []}


@pytest.mark.parametrize(
    ("spec", "answer"),
    [
        pytest.param({"retry_after": 0}, (429, "0", None), id="retry-after-zero"),
        pytest.param({"status": 500, "body": 0}, (500, None, 0), id="body-zero"),
        pytest.param({"status": 500, "body": False}, (500, None, False), id="body-false"),
    ],
)
def test_falsy_fault_values_are_kept_as_given(mock: MockServer, spec: dict, answer: tuple) -> None:
    """`retry_after: 0` and `body: false` are answers a client must handle, not absent settings."""
    stored = add_fault(mock, path="/openapi.json", **spec)
    assert {key: stored[key] for key in spec} == spec
    reply = requests.get(mock.url_for("/openapi.json"), timeout=TIMEOUT)
    body = reply.json() if answer[2] is not None else None
    assert (reply.status_code, reply.headers.get("Retry-After"), body) == answer


def test_a_fault_matches_its_method_and_path_pattern(mock: MockServer) -> None:
    add_fault(mock, path="/pay*", method="GET", status=500)
    assert requests.get(mock.url_for("/payments"), timeout=TIMEOUT).status_code == 500
    assert requests.post(mock.url_for("/payments"), timeout=TIMEOUT).status_code == 401
    assert requests.get(mock.url_for("/accounts"), timeout=TIMEOUT).status_code == 401


@pytest.mark.parametrize(
    "standing",
    [pytest.param({"delay": 0.01}, id="latency"), pytest.param({"omit_field": "username"}, id="omit-field")],
)
def test_a_standing_fault_that_only_alters_answers_lets_a_later_one_fire(
    mock: MockServer, standing: dict
) -> None:
    add_fault(mock, path="*", **standing)
    add_fault(mock, path="/me", status=503, times=1)
    assert requests.get(mock.url_for("/me"), timeout=TIMEOUT).status_code == 503
    token = login(mock).json()["access_token"]
    me = requests.get(mock.url_for("/me"), headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
    assert me.status_code == 200
    assert ("username" in me.json()) is ("omit_field" not in standing)


def test_latencies_add_up_and_omitted_fields_all_go(mock: MockServer) -> None:
    add_fault(mock, path="/authorization", delay=0.1)
    add_fault(mock, path="/authorization", delay=0.1, omit_field="expires_in")
    add_fault(mock, path="/authorization", omit_field="token_type")
    started = time.monotonic()
    body = login(mock).json()
    assert time.monotonic() - started >= 0.2
    assert set(body) == {"access_token", "scope"}


def test_a_default_fault_body_is_an_error_with_a_description(mock: MockServer) -> None:
    add_fault(mock, path="/me", status=500)
    body = requests.get(mock.url_for("/me"), timeout=TIMEOUT).json()
    assert body == {"error": "injected_fault", "error_description": "a fault answered 500"}


def test_a_text_body_and_headers_are_sent_as_given(mock: MockServer) -> None:
    add_fault(mock, path="/me", status=502, body="upstream down", headers={"X-Trace": "abc"})
    reply = requests.get(mock.url_for("/me"), timeout=TIMEOUT)
    assert (reply.status_code, reply.text, reply.headers["X-Trace"]) == (502, "upstream down", "abc")


def test_rate_limiting_is_a_429_with_retry_after(mock: MockServer) -> None:
    add_fault(mock, path="/authorization", retry_after=7, times=1)
    reply = login(mock)
    assert reply.status_code == 429
    assert reply.headers["Retry-After"] == "7"
    assert reply.json()["error"] == "rate_limited"


def test_latency_is_added_before_the_normal_answer(mock: MockServer) -> None:
    add_fault(mock, path="/authorization", delay=0.3, times=1)
    started = time.monotonic()
    reply = login(mock)
    assert reply.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_random_latency_stays_within_its_bounds(mock: MockServer) -> None:
    add_fault(mock, path="/openapi.json", delay=0.05, delay_max=0.15, times=3)
    for _ in range(3):
        started = time.monotonic()
        requests.get(mock.url_for("/openapi.json"), timeout=TIMEOUT)
        assert 0.05 <= time.monotonic() - started < 1.0


def test_a_slow_answer_trips_the_clients_timeout(mock: MockServer) -> None:
    add_fault(mock, path="/authorization", delay=1.0, times=1)
    with pytest.raises(requests.ReadTimeout):
        requests.post(mock.url_for("/authorization"), data=CREDENTIALS, timeout=0.2)


def test_a_reset_connection_is_a_connection_error(mock: MockServer) -> None:
    add_fault(mock, path="/authorization", drop="reset", times=1)
    with pytest.raises(requests.ConnectionError, match="Connection reset by peer"):
        login(mock)
    assert login(mock).status_code == 200


def test_an_empty_reply_is_a_connection_error(mock: MockServer) -> None:
    add_fault(mock, path="/authorization", drop="empty", times=1)
    with pytest.raises(requests.ConnectionError, match="closed connection without response"):
        login(mock)
    assert login(mock).status_code == 200


def test_a_malformed_json_body_fails_to_parse(mock: MockServer) -> None:
    add_fault(mock, path="/authorization", malformed_json=True, times=1)
    reply = login(mock)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/json"
    with pytest.raises(requests.JSONDecodeError):
        reply.json()


def test_a_token_response_can_miss_a_field(mock: MockServer) -> None:
    add_fault(mock, path="/authorization", omit_field="expires_in", times=1)
    body = login(mock).json()
    assert "expires_in" not in body
    assert {"token_type", "access_token"} <= body.keys()


def test_a_probability_fires_some_of_the_time(mock: MockServer) -> None:
    add_fault(mock, path="/openapi.json", status=503, probability=0.5)
    statuses = [requests.get(mock.url_for("/openapi.json"), timeout=TIMEOUT).status_code for _ in range(200)]
    assert 40 < statuses.count(503) < 160  # binomial(200, 0.5): outside this, p < 1e-17


def test_clearing_faults_restores_normal_answers(mock: MockServer) -> None:
    kept = add_fault(mock, path="/me", status=500)
    add_fault(mock, path="/authorization", status=500)
    assert (
        requests.delete(mock.url_for(f"/_mock/faults/{kept['id']}"), json={}, timeout=TIMEOUT).status_code
        == 204
    )
    assert requests.get(mock.url_for("/me"), timeout=TIMEOUT).status_code == 401
    assert requests.delete(mock.url_for("/_mock/faults"), json={}, timeout=TIMEOUT).status_code == 204
    assert login(mock).status_code == 200
    missing = requests.delete(mock.url_for("/_mock/faults/nope"), json={}, timeout=TIMEOUT)
    assert missing.status_code == 404


def test_faulted_requests_are_journaled_with_their_answer(mock: MockServer) -> None:
    add_fault(mock, path="/authorization", status=503, times=1)
    login(mock)
    entry = mock.state.journal.entries()[-1]
    assert (entry.path, entry.status, entry.form["password"]) == ("/authorization", 503, "***")


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param({"path": "/me"}, id="no-effect"),
        pytest.param({"status": 503, "drop": "reset"}, id="two-effects"),
        pytest.param({"drop": "explode"}, id="unknown-drop"),
        pytest.param({"status": 503, "times": 0}, id="zero-times"),
        pytest.param({"status": 503, "probability": 0}, id="zero-probability"),
        pytest.param({"body": "x"}, id="body-without-status"),
        pytest.param({"delay": 60}, id="delay-too-long"),
    ],
)
def test_bad_fault_specs_are_400(mock: MockServer, spec: dict) -> None:
    reply = requests.post(mock.url_for("/_mock/faults"), json=spec, timeout=TIMEOUT)
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_request"


def test_faults_come_from_the_config_file_and_survive_a_reset(tmp_path: Path) -> None:
    from mockserver import load_settings

    config = tmp_path / "mock.toml"
    config.write_text('[[mockserver.faults]]\npath = "/authorization"\nstatus = 503\n')
    with MockServer(load_settings(config_file=config).replace(log_requests=False)) as mock:
        assert login(mock).status_code == 503
        requests.post(mock.url_for("/_mock/reset"), json={}, timeout=TIMEOUT)
        assert login(mock).status_code == 503


def test_faults_are_set_from_python(mock: MockServer) -> None:
    fault = mock.state.faults.add({"path": "/authorization", "status": 418, "times": 1})
    assert login(mock).status_code == 418
    assert not mock.state.faults.remove(fault.id)  # already used up


@pytest.mark.processes
def test_under_granian_a_dropped_connection_breaks_the_answer() -> None:
    """granian gives the app no socket: the drop is an answer cut off after its first byte, or
    before its headers, as granian flushes them or not; either way the client sees a broken link."""
    with mock_process("--workers", "1", "--quiet") as running:
        spec = {"path": "/authorization", "drop": "reset", "times": 1}
        assert requests.post(f"{running.url}/_mock/faults", json=spec, timeout=TIMEOUT).status_code == 201
        broken = (requests.exceptions.ChunkedEncodingError, requests.ConnectionError)
        with pytest.raises(broken, match=r"IncompleteRead|without response"):
            requests.post(f"{running.url}/authorization", data=CREDENTIALS, timeout=TIMEOUT)
        assert requests.post(f"{running.url}/authorization", data=CREDENTIALS, timeout=TIMEOUT).ok


def test_faults_are_not_rebuilt_for_every_request(mock: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsed once per change of the shared state: 100 standing faults must not cost 100 objects a request."""
    for index in range(3):
        add_fault(mock, path=f"/nowhere/{index}", status=503)
    built = []
    original = faults.Fault

    class CountedFault(original):  # type: ignore[valid-type, misc]
        def __init__(self, *args: object, **kwargs: object) -> None:
            built.append(kwargs.get("id"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(faults, "Fault", CountedFault)
    add_fault(mock, path="/nowhere/3", status=503)  # a change: the faults are read anew once
    built.clear()
    for _ in range(10):
        assert requests.get(mock.url_for("/openapi.json"), timeout=TIMEOUT).status_code == 200
    assert len(built) <= 4


# Issue 31 item 16: a fault's Transfer-Encoding header broke the answer's framing.
FRAMING = ["Transfer-Encoding", "content-length", "Connection", "UPGRADE", "Keep-Alive", "TE", "Trailer"]


@pytest.mark.parametrize("name", FRAMING)
def test_a_fault_that_sets_a_framing_header_is_refused(mock: MockServer, name: str) -> None:
    spec = {"path": "/authorization", "status": 200, "body": {"ok": True}, "headers": {name: "chunked"}}
    reply = requests.post(mock.url_for("/_mock/faults"), json=spec, timeout=TIMEOUT)
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_request"
    assert name in reply.json()["error_description"]
    assert requests.get(mock.url_for("/_mock/faults"), timeout=TIMEOUT).json()["faults"] == []
    assert login(mock).status_code == 200  # framed as ever


def test_a_configured_fault_that_sets_a_framing_header_is_a_config_error() -> None:
    from mockserver import ConfigError

    with pytest.raises(ConfigError, match="Transfer-Encoding"):
        Settings(faults=({"status": 200, "headers": {"Transfer-Encoding": "chunked"}},))
