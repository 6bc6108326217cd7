"""`python -m mockserver`: a real process on a free port, its log line redacted, its errors one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ..conftest import DEMO
from ..processes import TIMEOUT, mock_process

pytestmark = pytest.mark.processes  # every test here starts a process


@pytest.mark.parametrize("server", ["granian", "werkzeug"])
def test_the_cli_serves_the_mock_with_its_flags(server: str) -> None:
    with mock_process("--server", server, "--token-ttl", "30", "--fake-users", "2") as mock:
        token = requests.post(
            f"{mock.url}/authorization", params={"username": DEMO[0], "password": DEMO[1]}, timeout=TIMEOUT
        ).json()
        assert token["expires_in"] == 30
        me = requests.get(
            f"{mock.url}/me", headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=TIMEOUT
        )
        assert me.status_code == 200
        users = requests.get(f"{mock.url}/_mock/users", timeout=TIMEOUT).json()["users"]
        assert len(users) == 5
        log = mock.stop()
    assert f"serving the mock on {mock.url} ({server}" in log
    assert "POST /authorization?username=demo&password=*** 200" in log
    assert "GET /me 200" in log
    assert DEMO[1] not in log
    assert token["access_token"] not in log


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--token-ttl", "0"], "mockserver: setting 'token_ttl' must be a positive number of seconds"),
        (["--users", "/no/such/users.json"], "mockserver: setting 'users' no such file: /no/such/users.json"),
        (["--store", "postgres://x"], "mockserver: setting 'store' must be memory:, file:///dir or redis://"),
    ],
)
def test_bad_settings_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", *args], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith(message)
    assert "Traceback" not in result.stderr


STARTUP_MISTAKES = {
    "config-is-a-directory": ("--config", "{dir}", "cannot be read: IsADirectoryError"),
    "config-not-a-table": ("--config", "{dir}/scalar.toml", "[mockserver] must be a table of settings"),
    "config-fractional-ttl": ("--config", "{dir}/fraction.toml", "'token_ttl' (from {dir}/fraction.toml)"),
    "user-without-password": ("--users", "{dir}/users.json", "users[0]: 'password' is a required property"),
    "route-with-trace": ("--routes", "{dir}/routes.json", "routes[0]: unsupported method TRACE"),
    "users-file-not-json": ("--users", "{dir}/broken.json", "{dir}/broken.json is not JSON: Expecting"),
    "redis-not-listening": ("--store", "redis://:store-secret@127.0.0.1:1/0", "the Redis store at 127.0.0.1"),
    "control-token-no-header-can-carry": ("--control-token", "store-secret with spaces!", "b64token"),
}


@pytest.mark.parametrize(("flag", "value", "message"), STARTUP_MISTAKES.values(), ids=STARTUP_MISTAKES.keys())
def test_mistakes_found_at_startup_are_one_line_too(
    tmp_path: Path, flag: str, value: str, message: str
) -> None:
    """Files and stores read when the app is built fail before any worker starts, without a traceback."""
    (tmp_path / "scalar.toml").write_text("mockserver = 1\n")
    (tmp_path / "fraction.toml").write_text("token_ttl = 90.5\n")
    (tmp_path / "users.json").write_text(json.dumps({"users": [{"username": "nopass"}]}))
    (tmp_path / "broken.json").write_text('{"users": [')
    (tmp_path / "routes.json").write_text(json.dumps({"routes": [{"method": "TRACE", "path": "/x"}]}))
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", flag, value.format(dir=tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("mockserver: ")
    assert message.format(dir=tmp_path) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "store-secret" not in result.stderr


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
