"""Build the services of one mock from its settings: the state backend and what reads it."""

from __future__ import annotations

from collections.abc import Callable

from ..settings import Settings
from ..store import Document, open_backend
from .clock import Clock, ShiftedClock
from .faults import FaultBook
from .journal import Journal
from .lockout import Lockout
from .shared import SharedDocument, SharedOffset, initial_document
from .state import MockState
from .tokens import TokenAuthority
from .users import User, UserDirectory, fake_users, load_users

__all__ = ["build_state"]


def build_state(settings: Settings, clock: Clock | None = None) -> MockState:
    initial = _initial_with(settings)
    backend = open_backend(settings.store, initial, settings.journal_size, settings.journal_bytes)
    shared = SharedDocument(backend, initial)
    clock = clock or ShiftedClock(SharedOffset(shared))
    return MockState(
        settings=settings,
        clock=clock,
        shared=shared,
        tokens=TokenAuthority(clock, settings.token_ttl, shared),
        users=UserDirectory(_base_users(settings), shared),
        journal=Journal(backend, settings.journal_size),
        faults=FaultBook(shared),
        lockout=Lockout(shared, clock, settings.lockout_after, settings.lockout_seconds),
    )


def _initial_with(settings: Settings) -> Callable[[], Document]:
    def initial() -> Document:
        document = initial_document()
        document["faults"] = [FaultBook.stamp(spec) for spec in settings.faults]
        return document

    return initial


def _base_users(settings: Settings) -> list[User]:
    users = load_users(settings.users)
    if settings.fake_users:
        permissions = {permission for user in users for permission in user.permissions}
        users += fake_users(settings.fake_users, settings.seed, permissions)
    return users
