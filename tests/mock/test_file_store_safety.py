"""The file store trusts no directory another user could replace, and follows no symbolic link in its
own: the signing key can be neither read nor chosen. (Tests run as root in CI: a parent "of another
user" is made with chown, and /tmp's sticky bit is why tmp_path itself passes.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.core.shared import SharedDocument, initial_document
from mockserver.store.file import FileBackend, UnsafeStateDirectory

from ..processes import free_port


def backend(directory: Path) -> FileBackend:
    return FileBackend(str(directory), initial_document, journal_size=10)


def shared_parent(tmp_path: Path, mode: int) -> Path:
    parent = tmp_path / "shared"
    parent.mkdir()
    parent.chmod(mode)
    return parent


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757], ids=["0777", "0775", "0757"])
def test_a_parent_others_can_write_is_refused(tmp_path: Path, mode: int) -> None:
    parent = shared_parent(tmp_path, mode)
    with pytest.raises(UnsafeStateDirectory, match=f"{parent}, above the state directory, can be written"):
        backend(parent / "state")
    assert not (parent / "state" / "state.json").exists()  # no key was written there


def test_a_sticky_parent_is_accepted_as_ssh_accepts_it(tmp_path: Path) -> None:
    store = backend(shared_parent(tmp_path, 0o1777) / "state")
    try:
        assert store.load()[1]["key"]
    finally:
        store.close()


def test_a_parent_of_another_user_is_refused(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a directory to another user needs root")
    parent = shared_parent(tmp_path, 0o755)
    os.chown(parent, 65534, 65534)
    with pytest.raises(UnsafeStateDirectory, match=r"belongs to another user \(uid 65534\)"):
        backend(parent / "state")


@pytest.mark.processes
def test_the_mock_refuses_such_a_parent_in_one_line(tmp_path: Path) -> None:
    parent = shared_parent(tmp_path, 0o777)
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "--host", "127.0.0.1", "--port", str(free_port()), "--server",
         "werkzeug", "--store", f"file://{parent / 'state'}"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("mockserver: ")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "can be written by other users (mode 0777)" in result.stderr


def test_a_lock_symlink_is_refused_and_nothing_is_made_where_it_points(tmp_path: Path) -> None:
    store, elsewhere = tmp_path / "state", tmp_path / "elsewhere"
    store.mkdir(mode=0o700)
    elsewhere.mkdir()
    (store / "lock").symlink_to(elsewhere / "created-by-the-mock")
    with pytest.raises(UnsafeStateDirectory, match="lock is a symbolic link"):
        backend(store)
    assert list(elsewhere.iterdir()) == []


def test_a_directory_swapped_in_after_start_is_never_used(tmp_path: Path) -> None:
    """Whoever could rename the state directory would put one with a key of their choosing in its
    place; the store keeps using the directory it opened, by its descriptor."""
    store_path = tmp_path / "state"
    store = backend(store_path)
    try:
        shared = SharedDocument(store)
        key = shared.view().key
        store_path.rename(tmp_path / "moved")
        store_path.mkdir(mode=0o700)
        planted = {**initial_document(), "key": "00" * 32}
        (store_path / "state.json").write_text(json.dumps(planted))
        (store_path / "state.json").chmod(0o600)
        shared.update(lambda document: document.__setitem__("clock_offset", 5.0))  # a state change
        assert shared.view().key == key
        assert shared.view().clock_offset == 5.0
        assert json.loads((store_path / "state.json").read_text()) == planted  # neither read nor written
        assert json.loads((tmp_path / "moved" / "state.json").read_text())["clock_offset"] == 5.0
    finally:
        store.close()
