"""`check`, `compare` and `load` against a platform that trickles or bombs, or behind plain http.

Issue 31 items 2 and 15: every command ends by itself with exit 2 and one line naming the limit a
platform broke (the deadline, the body cap, the suite's watchdog); a plain http base URL off the
loopback is refused before any exchange, unless the user allowed it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from authcontract.probe_client import ProbeClient, Unreachable
from authcontract.suite import SuiteOverran, run_suite
from contract_tests.limits import LimitedAdapter
from tests.suite.hostile import serve_hostile

from .in_process import run_in_process

RUN_TIMEOUT = 120  # a generous bound: these runs stop after one exchange's deadline
PASSWORD = "hostile-pw-7f3a"
TEST_NET = "http://192.0.2.1:9"  # RFC 5737: nothing answers there


def _environment(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "PYTEST_", "LOCUST_"))}
    return {**base, **extra}


def _live(url: str, **extra: str) -> dict[str, str]:
    return _environment(
        CONTRACT_BASE_URL=url,
        CONTRACT_USERNAME="qa",
        CONTRACT_PASSWORD=PASSWORD,
        CONTRACT_PROTECTED_PATH="/me",
        CONTRACT_TIMEOUT="1",
        **extra,
    )


def _run(command: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "authcontract", command, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def _one_line(result: subprocess.CompletedProcess[str], command: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"authcontract {command}: "), lines
    assert PASSWORD not in result.stdout + result.stderr
    return lines[0]


@pytest.mark.processes
@pytest.mark.parametrize("command", ["check", "compare", "load"])
def test_a_trickling_platform_ends_each_command_with_one_line_naming_the_deadline(command: str) -> None:
    with serve_hostile("trickle-body") as server:
        result = _run(command, _live(server.url))
    line = _one_line(result, command)
    assert "the answer was not complete within 3 s (3 x the 1 s timeout)" in line
    assert server.connections == 1  # the first exchange broke the limit; nothing was sent after it


@pytest.mark.processes
def test_a_gzip_bomb_ends_check_with_one_line_and_bounded_memory() -> None:
    with serve_hostile("bomb") as server:
        result = _run("check", _live(server.url))
    line = _one_line(result, "check")
    assert line == (
        "authcontract check: no verdict: the target's answer broke a limit: the answer's body is larger "
        f"than 1 MiB (decoded): POST {server.url}/authorization"
    )
    largest_child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert largest_child_kib < 600 * 1024  # whole, the bomb would decode to 64 MiB; 300 MiB took 3.4 GB


def test_compares_client_names_the_cap() -> None:
    with serve_hostile("bomb") as server:
        client = ProbeClient(server.url, timeout=1.0)
        try:
            with pytest.raises(Unreachable) as raised:
                client.get("/me")
        finally:
            client.close()
    assert str(raised.value) == (
        "no comparison: the platform's answer broke a limit: the answer's body is larger than 1 MiB "
        f"(decoded): GET {server.url}/me"
    )


@pytest.mark.processes
def test_locusts_users_keep_the_cap() -> None:
    """In a process of its own: Locust patches the standard library with gevent when imported."""
    script = (
        "import locust, sys, requests\n"
        "from authcontract.load.locustfile import _LimitedLocustAdapter\n"
        "from contract_tests.limits import ExchangeTooLarge, mount_limits\n"
        "session = mount_limits(requests.Session(), _LimitedLocustAdapter(pool_manager=None))\n"
        "try:\n"
        "    session.get(sys.argv[1], timeout=2)\n"
        "except ExchangeTooLarge as error:\n"
        "    print('capped', error.decoded)\n"
    )
    with serve_hostile("bomb") as server:
        result = subprocess.run(
            [sys.executable, "-c", script, server.url + "/me"],
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
            env=_environment(),
        )
    assert result.stdout.startswith("capped "), result.stdout + result.stderr
    assert int(result.stdout.split()[1]) <= (1 << 20) + 64 * 1024


@pytest.mark.processes
def test_the_watchdog_stops_a_suite_that_outlives_its_bound(tmp_path: Path) -> None:
    hung = [sys.executable, "-c", "import time; time.sleep(600)"]
    with (tmp_path / "stderr.txt").open("w") as err, pytest.raises(SuiteOverran) as raised:
        run_suite(hung, _environment(), tmp_path, err, limit=0.5)
    assert str(raised.value).startswith("the contract suite ran longer than its bound of 0 s")


# --- plain http off the loopback (item 15) -------------------------------------------------------------


@pytest.fixture
def sends(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every exchange any client of the target attempts, refused at once: nothing leaves this process."""
    seen: list[str] = []

    def count(_adapter: LimitedAdapter, request: requests.PreparedRequest, **_kwargs: object) -> None:
        seen.append(f"{request.method} {request.url}")
        raise requests.ConnectionError("refused by the test")

    monkeypatch.setattr(LimitedAdapter, "send", count)
    for name in [name for name in os.environ if name.startswith(("CONTRACT_", "PYTEST_"))]:
        monkeypatch.delenv(name)
    return seen


LIVE_TEST_NET = {
    "CONTRACT_BASE_URL": TEST_NET,
    "CONTRACT_USERNAME": "qa",
    "CONTRACT_PASSWORD": PASSWORD,
    "CONTRACT_PROTECTED_PATH": "/me",
}


@pytest.mark.parametrize("command", ["check", "compare", "load"])
def test_plain_http_off_the_loopback_is_refused_before_any_exchange(
    command: str, sends: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_in_process(monkeypatch, capsys, LIVE_TEST_NET, command)
    assert (status, out) == (2, ""), err
    assert sends == []
    assert err.splitlines() == [
        f"authcontract {command}: CONTRACT_BASE_URL "
        f"{TEST_NET} is plain http off the loopback: the password would cross the network in clear; use "
        "https, or allow it with --allow-http (CONTRACT_ALLOW_HTTP=1)"
    ]


@pytest.mark.parametrize("command", ["check", "compare", "load"])
@pytest.mark.parametrize("how", ["flag", "variable"])
def test_plain_http_allowed_explicitly_goes_ahead(
    command: str,
    how: str,
    sends: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {**LIVE_TEST_NET, **({"CONTRACT_ALLOW_HTTP": "1"} if how == "variable" else {})}
    args = ["--allow-http"] if how == "flag" else []
    status, _, err = run_in_process(monkeypatch, capsys, env, command, *args)
    assert status == 2  # the test's transport refused every exchange: no answer, no verdict
    assert sends, err  # the pre-flight went ahead
    assert all(sent.startswith(f"{TEST_NET}/") or f" {TEST_NET}/" in sent for sent in sends), sends
    assert "plain http" not in err


@pytest.mark.processes
def test_the_pytest_suite_refuses_plain_http_unless_allowed() -> None:
    env = _live(TEST_NET)
    suite = [sys.executable, "-m", "pytest", "contract_tests", "-p", "no:randomly", "-p", "no:cacheprovider"]
    suite += ["--collect-only", "-q"]
    refused = subprocess.run(suite, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
    allowed = subprocess.run(
        [*suite, "--allow-http"], env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    assert refused.returncode == 4, refused.stdout + refused.stderr
    assert "is plain http off the loopback" in refused.stdout + refused.stderr
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
