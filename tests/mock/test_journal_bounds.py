"""The journal is bounded in bytes, not only in entries: what one entry keeps, and what each store keeps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mockserver import MockServer, Settings
from mockserver.core.journal import (
    MAX_ITEMS,
    MAX_NAME_CHARS,
    MAX_TEXT_CHARS,
    MAX_VALUE_CHARS,
    Journal,
    bounded_content,
)
from mockserver.core.shared import initial_document
from mockserver.store import open_backend

from ..redis_server import redis_server

TIMEOUT = 5
CUT_MARK = len("…(cut, 100000 chars)")


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(Settings(log_requests=False, journal_bytes=60_000)) as running:
        yield running


def last_entry(server: MockServer) -> dict:
    return requests.get(server.url_for("/_mock/requests"), timeout=TIMEOUT).json()["requests"][-1]


def test_one_entry_keeps_bounded_headers_query_and_fields(server: MockServer) -> None:
    """About 6 MB of headers per request used to be kept whole, under werkzeug, for each of 1,000 entries."""
    headers = {f"X-Filler-{index:02d}": "h" * 4000 for index in range(60)}
    headers["X-" + "n" * 200] = "long-name-value"
    body = {"note": "n" * 2000, "list": list(range(100))} | {
        f"field-{index:03d}": "f" * 100 for index in range(100)
    }
    requests.post(
        server.url_for("/accounts"), params={"q": "q" * 5000}, json=body, headers=headers, timeout=TIMEOUT
    )
    entry = last_entry(server)
    assert entry["truncated"] is True
    assert len(entry["headers"]) <= MAX_ITEMS
    assert all(len(name) <= MAX_NAME_CHARS + CUT_MARK for name in entry["headers"])
    assert all(len(value) <= MAX_VALUE_CHARS + CUT_MARK for value in entry["headers"].values())
    assert entry["headers"]["X-Filler-00"].endswith("…(cut, 4000 chars)")
    assert len(entry["query"]) <= MAX_TEXT_CHARS + CUT_MARK
    assert len(entry["form"]) == MAX_ITEMS
    assert entry["form"]["note"] == "n" * MAX_VALUE_CHARS + "…(cut, 2000 chars)"
    assert len(entry["form"]["list"]) == MAX_ITEMS
    assert len(json.dumps(entry)) < 40_000


def test_an_entry_too_long_to_judge_by_its_header_name_is_masked(server: MockServer) -> None:
    requests.get(
        server.url_for("/me"), headers={"X-" + "a" * 100 + "-Secret": "hunter2-secret"}, timeout=TIMEOUT
    )
    entry = last_entry(server)
    assert "hunter2-secret" not in json.dumps(entry)
    assert entry["truncated"] is True


def test_an_ordinary_entry_is_whole(server: MockServer) -> None:
    requests.get(server.url_for("/me"), params={"a": "b"}, timeout=TIMEOUT)
    entry = last_entry(server)
    assert (entry["path"], entry["query"], entry["truncated"]) == ("/me", "a=b", False)


def test_the_served_journal_keeps_its_byte_budget(server: MockServer) -> None:
    for index in range(120):
        requests.get(server.url_for("/me"), headers={"X-Filler": f"{index:04d}" + "x" * 996}, timeout=TIMEOUT)
    entries = requests.get(server.url_for("/_mock/requests"), timeout=TIMEOUT).json()["requests"]
    assert len(json.dumps(entries)) <= 60_000 * 1.2
    assert entries[-1]["headers"]["X-Filler"].startswith("0119")
    assert len(entries) > 20


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.mark.parametrize("store", ["memory", "file", pytest.param("redis", marks=pytest.mark.processes)])
def test_every_store_keeps_the_journal_within_its_bytes(
    store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = {"memory": "memory:", "file": f"file://{tmp_path}"}.get(store) or request.getfixturevalue(
        "redis_url"
    )
    budget = 20_000
    backend = open_backend(url, initial_document, journal_size=1000, journal_bytes=budget)
    journal = Journal(backend)
    try:
        for index in range(200):
            journal.record(
                float(index),
                bounded_content(
                    method="GET",
                    path="/me",
                    query="",
                    headers=[("X-Filler", f"{index:04d}" + "x" * 496)],
                    form={},
                    status=401,
                    worker=1,
                ),
            )
        kept = backend.journal()
        assert len("\n".join(json.dumps(entry, separators=(",", ":")) for entry in kept)) <= budget * 1.2
        assert kept[-1]["headers"]["X-Filler"].startswith("0199")
        assert len(kept) >= 10
        if store == "file":
            assert sum(path.stat().st_size for path in (tmp_path / "journal").glob("*.journal")) <= budget
        if store == "redis":
            import redis

            client = redis.Redis.from_url(url, socket_timeout=5)
            stored = client.lrange("authcontract:mock:journal", 0, -1)
            assert sum(map(len, stored)) <= budget
            assert int(client.get("authcontract:mock:journal_bytes")) == sum(map(len, stored))
            client.flushdb()
            client.close()
    finally:
        backend.close()
