"""The suite against a flaky target: the mock with faults. A fault is never a contract verdict.

Transport faults (a reset, an empty reply, a body cut off, a slow answer) are retried RETRIES
times; one that fires once is absorbed, one that lasts ends in a single redacted target error
after exactly 1 + RETRIES attempts. An answer that is no verdict (503, 429) is not retried and is
a target error at once. In every case no check fails because of the fault, and the run is
inconclusive (exit status 3) rather than passed or failed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from contract_tests import transport
from contract_tests.client import RETRIES, ContractClient, TargetUnreachable
from contract_tests.plugin import EXIT_INCONCLUSIVE
from mockserver import MockServer, Settings
from mockserver.app import create_app

from .conftest import Outcome, SuiteRunner

TOKEN_PATH, PROTECTED_PATH = "/authorization", "/me"
USERNAME, PASSWORD = "demo", "demo-password"
TIMEOUT = 0.5
SLOW = 0.8  # past TIMEOUT: a slow answer is a timeout
LOGIN_CHECK = "test_login_answers_json_token"  # one login, sent once: its attempts can be counted
VERBOSE = ("-rA", "-vv", "--tb=long", "--showlocals")
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-]{40,}")


def serve_mock(cut_off: bool = False) -> MockServer:
    """The mock on a loopback port. `cut_off`: as granian serves it, with no socket in the WSGI
    environ, so that a drop fault cuts the answer off after its first byte (Content-Length 1024)."""
    app = create_app(Settings(log_requests=False))
    if cut_off:
        inner = app.wsgi_app

        def without_socket(environ: dict[str, Any], start_response: Any) -> Any:
            environ.pop("werkzeug.socket", None)
            return inner(environ, start_response)

        app.wsgi_app = without_socket  # type: ignore[method-assign]
    return MockServer(app=app)


@pytest.fixture(autouse=True)
def short_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bound on attempts is what these tests prove; the pause between them only costs time."""
    monkeypatch.setattr(transport, "BACKOFF_SECONDS", 0.02)


@pytest.fixture
def mock() -> Iterator[MockServer]:
    with serve_mock() as server:
        yield server


def run_against(suite: SuiteRunner, mock: MockServer, *args: str) -> Outcome:
    return suite.run_live(
        {
            "CONTRACT_BASE_URL": mock.url,
            "CONTRACT_USERNAME": USERNAME,
            "CONTRACT_PASSWORD": PASSWORD,
            "CONTRACT_PROTECTED_PATH": PROTECTED_PATH,
            "CONTRACT_TIMEOUT": str(TIMEOUT),
        },
        *args,
    )


def attempts(mock: MockServer, method: str, path: str, *, settle_until: int = 0) -> list[int]:
    """The statuses the mock journaled for these requests (444: dropped). A slow answer is journaled
    when it ends, after the client gave up: wait, a little, for `settle_until` entries."""
    deadline = time.monotonic() + SLOW * (RETRIES + 2)
    while True:
        found = [e.status for e in mock.state.journal.entries() if (e.method, e.path) == (method, path)]
        if len(found) >= settle_until or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def assert_no_secret(outcome: Outcome, mock: MockServer) -> None:
    """Neither the password nor any token the mock would still accept appears in the output."""
    assert PASSWORD not in outcome.text
    candidates = set(_TOKEN_LIKE.findall(outcome.text))
    with requests.Session() as session:
        accepted = [
            token
            for token in candidates
            if session.get(
                mock.url + PROTECTED_PATH, headers={"Authorization": f"Bearer {token}"}, timeout=5
            ).ok
        ]
    assert not accepted, "a usable token appears in the output"


def assert_inconclusive(outcome: Outcome) -> None:
    assert outcome.failed == set(), outcome.text
    assert outcome.errors, outcome.text
    assert outcome.ret == EXIT_INCONCLUSIVE, outcome.text
    assert "target errors: no verdict" in outcome.text
    assert "the run is inconclusive" in outcome.text
    for message in outcome.errors.values():
        assert message.startswith("target error: "), message
        assert "\n" not in message


# kind: (the fault, served cut off, what the target error names)
TRANSPORT = {
    "reset": ({"drop": "reset"}, False, "ConnectionError: [Errno 104] Connection reset by peer"),
    "empty-reply": ({"drop": "empty"}, False, "Remote end closed connection without response"),
    "cut-off-body": ({"drop": "empty"}, True, "ChunkedEncodingError: IncompleteRead(1 bytes read"),
    "timeout": ({"delay": SLOW}, False, f"ReadTimeout: Read timed out. (read timeout={TIMEOUT})"),
}


@pytest.mark.parametrize(
    ("kind", "path", "times"),
    [
        pytest.param("reset", TOKEN_PATH, 1, id="reset-token-path"),
        pytest.param("empty-reply", PROTECTED_PATH, RETRIES, id="empty-reply-protected-path-twice"),
        pytest.param("cut-off-body", TOKEN_PATH, 1, id="cut-off-body-token-path"),
        pytest.param("timeout", PROTECTED_PATH, 1, id="timeout-protected-path"),
    ],
)
def test_a_passing_transport_fault_is_absorbed(suite: SuiteRunner, kind: str, path: str, times: int) -> None:
    spec, cut_off, _ = TRANSPORT[kind]
    with serve_mock(cut_off) as mock:
        mock.state.faults.add({"path": path, "times": times, **spec})
        outcome = run_against(suite, mock)
        method = "POST" if path == TOKEN_PATH else "GET"
        fired = attempts(mock, method, path)[:times]
    assert outcome.ret == 0, outcome.text
    assert (outcome.failed, outcome.errors) == (set(), {}), outcome.text
    assert not mock.state.faults.all()  # every use of the fault was spent
    if "drop" in spec:
        assert fired == [444] * times


@pytest.mark.parametrize("kind", list(TRANSPORT))
def test_a_lasting_transport_fault_is_one_target_error_after_bounded_attempts(
    suite: SuiteRunner, kind: str
) -> None:
    spec, cut_off, reason = TRANSPORT[kind]
    with serve_mock(cut_off) as mock:
        mock.state.faults.add({"path": TOKEN_PATH, **spec})
        outcome = run_against(suite, mock, "-k", LOGIN_CHECK, *VERBOSE)
        tried = attempts(mock, "POST", TOKEN_PATH, settle_until=1 + RETRIES)
        assert_no_secret(outcome, mock)
        url = mock.url
    assert len(tried) == 1 + RETRIES, tried
    assert_inconclusive(outcome)
    assert list(outcome.errors) == [LOGIN_CHECK]
    message = outcome.errors[LOGIN_CHECK]
    assert message.startswith(
        f"target error: the target is unreachable: transport error on POST {url}{TOKEN_PATH} "
        f"after {1 + RETRIES} attempts: "
    ), message
    assert reason in message
    assert "1 error" in outcome.text


def test_a_lasting_fault_on_the_protected_path_stops_the_run_in_one_line(
    suite: SuiteRunner, mock: MockServer
) -> None:
    mock.state.faults.add({"path": PROTECTED_PATH, "drop": "reset"})
    outcome = run_against(suite, mock)
    lines = [line for line in outcome.text.splitlines() if "unreachable" in line]
    assert outcome.ret == EXIT_INCONCLUSIVE
    assert len(lines) == 1, outcome.text
    assert (
        "Exit: contract suite: no verdict: the target is unreachable: "
        f"transport error on GET {mock.url}{PROTECTED_PATH} "
        f"after {1 + RETRIES} attempts: ConnectionError: [Errno 104] Connection reset by peer"
    ) in lines[0]
    assert "Traceback" not in outcome.text
    assert attempts(mock, "GET", PROTECTED_PATH) == [444] * (1 + RETRIES)
    assert not outcome.passed | outcome.failed


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        pytest.param({"status": 503}, "503 Service Unavailable", id="503"),
        pytest.param({"retry_after": 5}, "429 Too Many Requests", id="429"),
    ],
)
def test_an_unavailable_answer_is_not_retried(
    suite: SuiteRunner, mock: MockServer, fault: dict[str, Any], said: str
) -> None:
    mock.state.faults.add({"path": TOKEN_PATH, **fault})
    outcome = run_against(suite, mock, "-k", LOGIN_CHECK, *VERBOSE)
    assert len(attempts(mock, "POST", TOKEN_PATH)) == 1
    assert_inconclusive(outcome)
    assert_no_secret(outcome, mock)
    message = outcome.errors[LOGIN_CHECK]
    assert message.startswith(
        f"target error: the target is unavailable: {said} on POST {mock.url}{TOKEN_PATH}"
    ), message
    assert "not retried; retry later" in message
    assert ("Retry-After: 5" in message) is ("retry_after" in fault)


@pytest.mark.parametrize(
    ("path", "times", "method"),
    [
        pytest.param(TOKEN_PATH, 1, "POST", id="token-path-once"),
        # the first 503 meets the reachability probe, which takes any answer
        pytest.param(PROTECTED_PATH, 2, "GET", id="protected-path-twice"),
    ],
)
def test_a_503_is_a_target_error_never_a_failure(
    suite: SuiteRunner, mock: MockServer, path: str, times: int, method: str
) -> None:
    mock.state.faults.add({"path": path, "status": 503, "times": times})
    outcome = run_against(suite, mock, *VERBOSE)
    assert_inconclusive(outcome)
    assert_no_secret(outcome, mock)
    for message in outcome.errors.values():
        assert f"503 Service Unavailable on {method} {mock.url}{path}" in message
    assert outcome.passed, outcome.text  # the other checks reached their verdicts
    assert len(outcome.errors) < len(outcome.passed)


def test_a_target_answering_503_to_everything_never_passes(suite: SuiteRunner, mock: MockServer) -> None:
    mock.state.faults.add({"path": "*", "status": 503})
    outcome = run_against(suite, mock)
    assert_inconclusive(outcome)
    assert outcome.passed == set()
    assert len(outcome.errors) >= 20


def test_a_target_error_is_reported_without_formatting_a_traceback(
    suite: SuiteRunner, mock: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one-line report is built directly: formatting the traceback it replaces was most of a
    run's time against a target answering 503 (the source of every frame of the exception chain)."""
    formatted: list[str] = []
    original = pytest.Function.repr_failure

    def counted(self: pytest.Function, *args: Any, **kwargs: Any) -> Any:
        formatted.append(self.nodeid)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pytest.Function, "repr_failure", counted)
    mock.state.faults.add({"path": PROTECTED_PATH, "status": 503})
    outcome = run_against(suite, mock)
    assert_inconclusive(outcome)
    assert outcome.errors, outcome.text
    assert [nodeid for nodeid in formatted if nodeid.startswith("contract_tests/")] == []


def test_a_target_flaky_at_random_never_gets_a_contract_failure(suite: SuiteRunner, mock: MockServer) -> None:
    """Whichever requests the faults hit, schemathesis's included: passes and target errors only."""
    for spec in ({"drop": "reset", "probability": 0.2}, {"drop": "empty", "probability": 0.1}):
        mock.state.faults.add({"path": "*", **spec})
    mock.state.faults.add({"path": "*", "status": 503, "probability": 0.05})
    outcome = run_against(suite, mock)
    assert outcome.failed == set(), outcome.text
    assert outcome.ret in (0, EXIT_INCONCLUSIVE), outcome.text
    assert all(message.startswith("target error: the target is un") for message in outcome.errors.values())


def test_schemathesis_stops_at_a_target_error(suite: SuiteRunner, mock: MockServer) -> None:
    """The generated requests share the client's session: a 503 ends the run's calls, as a target error."""
    mock.state.faults.add({"path": PROTECTED_PATH, "status": 503, "times": 2})
    outcome = run_against(suite, mock, "-k", "test_protected_path_conforms")
    assert_inconclusive(outcome)
    assert list(outcome.errors) == ["test_protected_path_conforms"]
    assert attempts(mock, "GET", PROTECTED_PATH) == [503, 503]  # the reachability probe, then one case


@pytest.mark.parametrize("also_503", [False, True], ids=["500", "500-and-a-503"])
def test_a_server_error_is_still_a_verdict(suite: SuiteRunner, mock: MockServer, also_503: bool) -> None:
    """500 is the platform failing to handle the request, not unavailability: the checks fail. With
    target errors beside them, the failures still make the run fail."""
    mock.state.faults.add({"path": PROTECTED_PATH, "status": 500})
    if also_503:
        mock.state.faults.add({"path": TOKEN_PATH, "status": 503, "times": 1})
    outcome = run_against(suite, mock)
    assert outcome.ret == pytest.ExitCode.TESTS_FAILED
    assert {"test_bearer_without_token_is_refused", "test_fresh_token_is_accepted"} <= outcome.failed
    assert bool(outcome.errors) is also_503, outcome.text
    assert ("contract failure(s) stand on their own" in outcome.text) is also_503


def test_the_client_retries_an_undecodable_body_then_says_so_in_one_line(mock: MockServer) -> None:
    mock.state.faults.add(
        {"path": PROTECTED_PATH, "status": 200, "headers": {"Content-Encoding": "gzip"}, "body": "not gzip"}
    )
    client = ContractClient(mock.url, timeout=TIMEOUT)
    with pytest.raises(TargetUnreachable) as raised:
        client.get(PROTECTED_PATH, auth="Bearer some-token-value-0123456789abcdef")
    client.close()
    message = str(raised.value)
    assert message.startswith(f"the target is unreachable: transport error on GET {mock.url}{PROTECTED_PATH}")
    assert "ContentDecodingError" in message
    assert "\n" not in message
    assert attempts(mock, "GET", PROTECTED_PATH) == [200] * (1 + RETRIES)
