"""Faults a client developer asks for: latency, any status, 429, dropped connections, bad bodies.

A fault is a small spec (data, validated by fixtures/schemas/control.json): which requests it
matches (path pattern, method), how often (the next `times` requests, and/or a probability),
and what it does. Specs live in the shared state, so every worker applies them.
"""

from __future__ import annotations

import fnmatch
import random
import uuid
from dataclasses import dataclass, fields
from typing import Any

from ..schemas import framing_problem
from .errors import OAuthError
from .shared import SharedDocument, Snapshot

__all__ = ["MAX_FAULTS", "Fault", "FaultBook"]

EFFECTS = ("status", "retry_after", "drop", "malformed_json", "omit_field")
# Every request walks the faults in force: past this many, adding one is refused (409) until some go.
MAX_FAULTS = 100


@dataclass(frozen=True)
class Fault:
    id: str
    path: str = "*"
    method: str | None = None
    times: int | None = None
    probability: float = 1.0
    delay: float = 0.0
    delay_max: float | None = None
    status: int | None = None
    body: Any = None
    headers: dict[str, str] | None = None
    retry_after: int | None = None
    drop: str | None = None  # "reset" or "empty"
    malformed_json: bool = False
    omit_field: str | None = None

    @classmethod
    def from_dict(cls, spec: dict[str, Any]) -> Fault:
        return cls(**{"id": uuid.uuid4().hex, **spec})

    def to_dict(self) -> dict[str, Any]:
        """The spec as given: every field that differs from its default (`retry_after: 0` included)."""
        return {
            spec.name: getattr(self, spec.name)
            for spec in fields(self)
            if _differs(getattr(self, spec.name), spec.default)
        }

    @property
    def replaces_answer(self) -> bool:
        """Whether the fault answers in the route's stead; latency and omit_field only alter it."""
        return (
            self.status is not None or self.retry_after is not None or self.malformed_json or bool(self.drop)
        )

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method:
            return False
        return fnmatch.fnmatchcase(path, self.path)

    def latency(self) -> float:
        if self.delay_max is None:
            return self.delay
        return random.uniform(self.delay, self.delay_max)  # noqa: S311 - jitter, not security


def _differs(value: object, default: object) -> bool:
    """By type as well as value: `body: 0` and `body: false` are answers, not the absent default."""
    return type(value) is not type(default) or value != default


class FaultBook:
    def __init__(self, shared: SharedDocument) -> None:
        self._shared = shared
        self._parsed: tuple[int, tuple[Fault, ...], bool] = (-1, (), False)  # by the document's generation

    @staticmethod
    def stamp(spec: dict[str, Any]) -> dict[str, Any]:
        """A validated spec as stored: with an id. 400 for a header that frames the answer."""
        problem = framing_problem(spec)
        if problem is not None:
            raise OAuthError.invalid_request(problem)
        return Fault.from_dict(spec).to_dict()

    def add(self, spec: dict[str, Any]) -> Fault:
        stored = self.stamp(spec)

        def append(document: dict[str, Any]) -> None:
            if len(document["faults"]) >= MAX_FAULTS:
                raise OAuthError.full("faults", MAX_FAULTS)
            document["faults"].append(stored)

        self._shared.update(append)
        return Fault(**stored)

    def all(self) -> list[Fault]:
        return list(self.in_force())

    def in_force(self) -> tuple[Fault, ...]:
        """The faults as objects, built once per version of the shared document, not per request;
        with none in force (nearly every request), one generation check."""
        snapshot = self._shared.view()
        if not snapshot.faults:
            return ()
        return self._parse(snapshot)[1]

    def drops_in_force(self) -> bool:
        """Whether any fault in force can drop a connection: the edge wraps a request only then."""
        snapshot = self._shared.view()
        if not snapshot.faults:
            return False
        return self._parse(snapshot)[2]

    def _parse(self, snapshot: Snapshot) -> tuple[int, tuple[Fault, ...], bool]:
        parsed = self._parsed
        if parsed[0] != snapshot.generation:
            faults = tuple(Fault(**spec) for spec in snapshot.faults)
            parsed = self._parsed = (snapshot.generation, faults, any(fault.drop for fault in faults))
        return parsed

    def remove(self, fault_id: str) -> bool:
        def drop(document: dict[str, Any]) -> bool:
            before = len(document["faults"])
            document["faults"] = [spec for spec in document["faults"] if spec["id"] != fault_id]
            return len(document["faults"]) < before

        return self._shared.update(drop)

    def clear(self) -> None:
        self._shared.update(lambda document: document.__setitem__("faults", []))

    def fire(self, method: str, path: str) -> list[Fault]:
        """The faults that fire for this request, in the order added: every one that only delays or
        edits the answer, up to the first that replaces it. A counted one is used up atomically."""
        fired = []
        for fault in self.in_force():
            if not fault.matches(method, path):
                continue
            if fault.probability < 1.0 and random.random() >= fault.probability:  # noqa: S311
                continue
            if fault.times is not None and not self._use_once(fault.id):
                continue
            fired.append(fault)
            if fault.replaces_answer:
                break
        return fired

    def _use_once(self, fault_id: str) -> bool:
        """Decrement a counted fault in every worker's view; False if another request took the last use."""

        def use(document: dict[str, Any]) -> bool:
            for spec in document["faults"]:
                if spec["id"] == fault_id:
                    spec["times"] -= 1
                    if spec["times"] <= 0:
                        document["faults"].remove(spec)
                    return True
            return False

        return self._shared.update(use)
