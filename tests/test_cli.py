"""`python -m mockserver`: a real process on a free port, its log line redacted, its errors one line."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests

from .conftest import DEMO

TIMEOUT = 5
SERVING = re.compile(r"serving the mock on (http://127\.0\.0\.1:\d+)")


@pytest.fixture
def process() -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", "--token-ttl", "30", "--fake-users", "2"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = _wait_for_url(proc)
        yield proc, url
    finally:
        proc.terminate()
        proc.wait(timeout=TIMEOUT)


def _wait_for_url(proc: subprocess.Popen[str]) -> str:
    assert proc.stderr is not None
    for line in proc.stderr:
        if match := SERVING.search(line):
            return match.group(1)
    raise AssertionError(f"the mock exited with {proc.wait(timeout=TIMEOUT)} before serving")


def test_the_cli_serves_the_mock_with_its_flags(process: tuple[subprocess.Popen[str], str]) -> None:
    proc, url = process
    token = requests.post(
        f"{url}/authorization", params={"username": DEMO[0], "password": DEMO[1]}, timeout=TIMEOUT
    ).json()
    assert token["expires_in"] == 30
    me = requests.get(
        f"{url}/me", headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=TIMEOUT
    )
    assert me.status_code == 200
    users = requests.get(f"{url}/_mock/users", timeout=TIMEOUT).json()["users"]
    assert len(users) == 5
    proc.terminate()
    _, log = proc.communicate(timeout=TIMEOUT)
    assert "POST /authorization?username=demo&password=*** 200" in log
    assert "GET /me 200" in log
    assert DEMO[1] not in log
    assert token["access_token"] not in log


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--token-ttl", "0"], "mockserver: setting 'token_ttl' must be a positive number of seconds"),
        (["--users", "/no/such/users.json"], "mockserver: setting 'users' no such file: /no/such/users.json"),
    ],
)
def test_bad_settings_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", *args], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 2
    assert result.stderr.strip() == message


def test_the_console_script_is_installed() -> None:
    script = subprocess.run(
        [
            sys.executable,
            "-c",
            "import shutil,sys; print(shutil.which('mockserver', path=sys.prefix + '/bin'))",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert script.stdout.strip().endswith("/mockserver")
