"""A private directory held open by its descriptor: what the file store keeps its signing key in.

Whoever can replace the directory, or a file in it, can read or choose the key and forge tokens.
So the path is walked from `/` one component at a time without following a symbolic link; every
directory on the way must belong to root or to this user and be closed to writes by others unless
sticky (as OpenSSH checks `~/.ssh`); the directory itself must be this user's and 0700. Once open,
everything inside is reached through its descriptor (`dir_fd`, `O_NOFOLLOW`), so a directory swapped
in at the same path later, or a symbolic link planted in it, is never used; each file opened is
checked again with `fstat`: a regular file of this user, closed to group and others.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from contextlib import suppress

__all__ = ["PrivateDirectory", "UnsafeStateDirectory"]

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW


class UnsafeStateDirectory(ValueError):
    """The state directory, or a directory above it, is another user's or open to others: its key
    could be read or chosen."""


class PrivateDirectory:
    """An open private directory; `path` is for messages only, never used to reach a file."""

    def __init__(self, descriptor: int, path: str) -> None:
        self.fd = descriptor
        self.path = path

    @classmethod
    def open(cls, path: str) -> PrivateDirectory:
        """Open `path`, creating it and its missing parents 0700; refuse an unsafe one (see module)."""
        real = os.path.realpath(path)  # links the user chose are resolved once; a later one is refused
        current = os.open("/", _DIRECTORY)
        walked = "/"
        try:
            for name in [part for part in real.split("/") if part]:
                _check_parent(current, walked)
                walked = os.path.join(walked, name)
                with suppress(FileExistsError):  # made by another worker in between: checked below
                    os.mkdir(name, DIRECTORY_MODE, dir_fd=current)
                following = _open_directory(name, current, walked)
                os.close(current)
                current = following
            _check_private(current, walked)
        except BaseException:
            os.close(current)
            raise
        return cls(current, real)

    def subdirectory(self, name: str) -> PrivateDirectory:
        with suppress(FileExistsError):
            os.mkdir(name, DIRECTORY_MODE, dir_fd=self.fd)
        path = os.path.join(self.path, name)
        descriptor = _open_directory(name, self.fd, path)
        try:
            _check_private(descriptor, path)
        except BaseException:
            os.close(descriptor)
            raise
        return PrivateDirectory(descriptor, path)

    def open_file(self, name: str, flags: int) -> int:
        """A descriptor of the regular file `name` in here (created 0600 with O_CREAT), checked."""
        try:
            descriptor = os.open(name, flags | _NOFOLLOW, FILE_MODE, dir_fd=self.fd)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise UnsafeStateDirectory(
                    f"{os.path.join(self.path, name)} is a symbolic link: remove it"
                ) from None
            raise
        try:
            _check_file(descriptor, os.path.join(self.path, name))
        except BaseException:
            os.close(descriptor)
            raise
        return descriptor

    def exists(self, name: str) -> bool:
        try:
            os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return False
        return True

    def read_bytes(self, name: str) -> bytes:
        descriptor = self.open_file(name, os.O_RDONLY)
        with os.fdopen(descriptor, "rb") as handle:
            return handle.read()

    def replace(self, name: str, data: bytes) -> None:
        """Write a new 0600 file beside `name`, then rename it over `name` atomically."""
        temporary = f".{name}.{secrets.token_hex(8)}.tmp"
        descriptor = self.open_file(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temporary, dir_fd=self.fd)
            raise

    def names(self, suffix: str) -> list[str]:
        return [name for name in os.listdir(self.fd) if name.endswith(suffix)]

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _open_directory(name: str, parent: int, path: str) -> int:
    try:
        return os.open(name, _DIRECTORY, dir_fd=parent)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise UnsafeStateDirectory(
                f"{path} is a symbolic link or not a directory, which it must not become after start: "
                "use a directory of your own"
            ) from None
        raise


def _check_parent(descriptor: int, path: str) -> None:
    """Root's or this user's, and closed to writes by others unless sticky (they could swap us out)."""
    status = os.fstat(descriptor)
    if status.st_uid not in (0, os.geteuid()):
        raise UnsafeStateDirectory(
            f"{path}, above the state directory, belongs to another user (uid {status.st_uid}), who could "
            "replace the state directory and choose the signing key: use a directory under your own"
        )
    if status.st_mode & 0o022 and not status.st_mode & stat.S_ISVTX:
        raise UnsafeStateDirectory(
            f"{path}, above the state directory, can be written by other users (mode "
            f"{stat.S_IMODE(status.st_mode):04o}), who could replace the state directory and choose the "
            "signing key: use a directory under your own, or make it sticky (chmod +t)"
        )


def _check_private(descriptor: int, path: str) -> None:
    status = os.fstat(descriptor)
    if status.st_uid != os.geteuid():
        raise UnsafeStateDirectory(
            f"the state directory {path} belongs to another user (uid {status.st_uid}), who could read "
            "or choose the signing key: use a directory of your own"
        )
    if status.st_mode & 0o077:
        raise UnsafeStateDirectory(
            f"the state directory {path} is open to other users (mode {stat.S_IMODE(status.st_mode):04o}), "
            "who could read the signing key: make it 0700 (chmod 700) or use another"
        )


def _check_file(descriptor: int, path: str) -> None:
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid() or status.st_mode & 0o077:
        raise UnsafeStateDirectory(
            f"{path} is not a private file of this user (mode {stat.S_IMODE(status.st_mode):04o}, "
            f"uid {status.st_uid}): remove it, or use another state directory"
        )
