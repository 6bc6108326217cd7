"""mockserver.testing used directly (a script, a unittest): the control handle and the journal assertions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from mockserver import MockServer, Settings
from mockserver.testing import AuthMock, Call, Calls, ControlError

CONTROL_TOKEN = "a-control-token-of-some-length"


@pytest.fixture
def guarded() -> Iterator[MockServer]:
    with MockServer(Settings(log_requests=False, control_token=CONTROL_TOKEN)) as server:
        yield server


def test_a_guarded_control_api_needs_the_token(guarded: MockServer) -> None:
    with pytest.raises(ControlError, match=r"^GET /_mock/clock: 401 "):
        AuthMock(guarded.url).now()
    handle = AuthMock(guarded.url, control_token=CONTROL_TOKEN)
    start = handle.now()
    assert handle.advance(60) == pytest.approx(start + 60)
    assert handle.set_time(2_000_000_000) == pytest.approx(2_000_000_000, abs=5)  # its clock runs on
    handle.close()


def test_a_refused_login_names_the_user_and_never_the_password(guarded: MockServer) -> None:
    handle = AuthMock(guarded.url)
    with pytest.raises(ControlError, match=r"login as 'demo' refused: 400") as refused:
        handle.token("demo", "not-the-password")
    assert "not-the-password" not in str(refused.value)


def test_a_bad_fault_spec_is_refused_with_the_mocks_reason(guarded: MockServer) -> None:
    handle = AuthMock(guarded.url, control_token=CONTROL_TOKEN)
    with pytest.raises(ControlError, match=r"POST /_mock/faults: 400 .*invalid_request"):
        handle.set_fault(path="/me", status=503, drop="reset")
    fault = handle.set_fault(path="/me", status=503)
    assert fault["id"]
    assert requests.get(handle.url_for("/me"), timeout=5).status_code == 503
    handle.clear_faults()
    assert requests.get(handle.url_for("/me"), timeout=5).status_code == 401


def call(method: str, path: str, status: int, **extra: object) -> Call:
    fields = {"query": "", "headers": {"User-Agent": "ua/1"}, "form": {}, "time": 0.0, **extra}
    return Call.from_entry({"method": method, "path": path, "status": status, **fields})


def test_calls_match_by_pattern_method_status_headers_and_form() -> None:
    calls = Calls(
        [
            call("POST", "/authorization", 200, form={"username": "demo", "password": "***"}),
            call("GET", "/payments/7", 403, headers={"authorization": "Bearer abcd…(43 chars)"}),
            call("DELETE", "/payments/7", 204),
        ]
    )
    assert len(calls.matching("/payments/*")) == 2
    assert calls.matching("/payments/*", method="get", status=403)[0].path == "/payments/7"
    assert len(calls.matching(headers={"Authorization": "Bearer abcd…(43 chars)"})) == 1  # any case
    assert len(calls.matching(form={"username": "demo"})) == 1
    assert calls.assert_called("/authorization", times=1, method="POST") == calls[:1]
    with pytest.raises(AssertionError) as missing:
        calls.assert_called("/accounts", times=2, method="GET", status=200)
    assert str(missing.value).splitlines() == [
        "expected exactly 2 request(s) GET /accounts status=200, got 0; the mock received:",
        "  POST /authorization -> 200",
        "  GET /payments/7 -> 403",
        "  DELETE /payments/7 -> 204",
    ]
