"""The served mock's file store: the signing key is for the mock's user only (issue 13, section 1).

Every test here starts `python -m mockserver` in a process of its own.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import requests

from ..conftest import DEMO
from ..processes import TIMEOUT, free_port, mock_process
from .served import start_refused

pytestmark = pytest.mark.processes  # every test here starts a process


def test_the_file_store_creates_every_directory_0700_and_every_file_0600(tmp_path: Path) -> None:
    """With the most permissive umask, and missing parents: nothing the mock creates is open to others."""
    store = tmp_path / "made" / "by" / "mock"
    previous = os.umask(0)
    try:
        with mock_process("--server", "werkzeug", "--quiet", "--store", f"file://{store}") as running:
            os.umask(previous)  # the mock inherited 0 when it started; this process goes back to its own
            login = {"username": DEMO[0], "password": DEMO[1]}
            assert (
                requests.post(f"{running.url}/authorization", data=login, timeout=TIMEOUT).status_code == 200
            )
            user = {"username": "ann", "password": "ann-password-1"}
            assert requests.post(f"{running.url}/_mock/users", json=user, timeout=TIMEOUT).status_code == 201
            assert requests.get(f"{running.url}/me", timeout=TIMEOUT).status_code == 401  # journaled
    finally:
        os.umask(previous)
    made = [tmp_path / "made", tmp_path / "made" / "by", *sorted((tmp_path / "made").rglob("*"))]
    modes = {str(path.relative_to(tmp_path)): stat.S_IMODE(path.stat().st_mode) for path in made}
    assert {"made/by/mock/state.json", "made/by/mock/generation", "made/by/mock/journal"} <= set(modes)
    assert any(name.endswith(".journal") for name in modes)
    wrong = {
        name: f"{mode:04o}"
        for name, mode in modes.items()
        if mode != (0o700 if (tmp_path / name).is_dir() else 0o600)
    }
    assert wrong == {}


@pytest.mark.parametrize("mode", [0o755, 0o770, 0o701], ids=["0755", "0770", "0701"])
def test_a_state_directory_open_to_others_is_refused(tmp_path: Path, mode: int) -> None:
    store = tmp_path / "shared"
    store.mkdir()
    store.chmod(mode)
    result = start_refused("--port", str(free_port()), "--store", f"file://{store}")
    assert f"the state directory {store} is open to other users (mode {mode:04o})" in result.stderr
    assert not (store / "state.json").exists()  # no key was written there


def test_a_state_directory_of_another_user_is_refused(tmp_path: Path) -> None:
    """Another user made the directory first, with the key they chose: it is not adopted."""
    if os.geteuid() != 0:
        pytest.skip("giving a directory to another user needs root")
    store = tmp_path / "planted"
    store.mkdir(mode=0o700)
    os.chown(store, 65534, 65534)
    result = start_refused("--port", str(free_port()), "--store", f"file://{store}")
    assert f"the state directory {store} belongs to another user (uid 65534)" in result.stderr
