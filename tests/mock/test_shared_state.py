"""Several workers, and several hosts sharing Redis, behave as one mock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mockserver import Settings, create_app
from mockserver.core.shared import initial_document
from mockserver.serving.serve import serve
from mockserver.store import EntryContent, open_backend
from mockserver.store.journal_ring import RECORD, read_records
from mockserver.store.private_dir import PrivateDirectory

from ..conftest import DEMO
from ..processes import TIMEOUT, mock_process
from ..redis_server import redis_server

TRIES = 300  # fresh connections until a given worker answers; each is a few milliseconds


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


class Workers:
    """Drive requests at chosen workers: each call opens a fresh connection until the wanted one answers."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self._turn = 0

    def call(self, method: str, path: str, worker: str | None = None, **kwargs: object) -> requests.Response:
        for _ in range(TRIES):
            self._turn += 1
            url = self.urls[self._turn % len(self.urls)]
            response = requests.request(method, url + path, timeout=TIMEOUT, **kwargs)
            if worker is None or response.headers["X-Mock-Worker"] == worker:
                return response
        raise AssertionError(f"worker {worker} never answered {method} {path} in {TRIES} connections")

    def two_workers(self) -> tuple[str, str]:
        seen: set[str] = set()
        for _ in range(TRIES):
            seen.add(self.call("GET", "/openapi.json").headers["X-Mock-Worker"])
            if len(seen) >= 2:
                first, second = sorted(seen)[:2]
                return first, second
        raise AssertionError("only one worker ever answered")

    def login(self, worker: str) -> str:
        reply = self.call("POST", "/authorization", worker, data={"username": DEMO[0], "password": DEMO[1]})
        assert reply.status_code == 200
        return reply.json()["access_token"]

    def me(self, token: str, worker: str) -> requests.Response:
        return self.call("GET", "/me", worker, headers={"Authorization": f"Bearer {token}"})


def check_coherence(workers: Workers, a: str, b: str) -> None:
    """Every kind of change made through worker `a` holds at worker `b` from its next request."""
    token = workers.login(a)
    assert workers.me(token, b).status_code == 200

    workers.call("POST", "/_mock/revoke", a, json={"token": token})
    assert workers.me(token, b).json()["error_description"] == "the access token has been revoked"

    workers.call("POST", "/_mock/users", a, json={"username": "ann", "password": "ann-password-1"})
    ann = workers.call("POST", "/authorization", b, data={"username": "ann", "password": "ann-password-1"})
    assert ann.status_code == 200

    fault = workers.call("POST", "/_mock/faults", a, json={"path": "/payments", "status": 503, "times": 1})
    assert fault.status_code == 201
    assert workers.call("GET", "/payments", b).status_code == 503
    assert workers.call("GET", "/payments", a).status_code == 401  # the one use is spent everywhere

    fresh = workers.login(b)
    workers.call("POST", "/_mock/clock", a, json={"advance": 3600})
    assert workers.me(fresh, b).json()["error_description"] == "the access token has expired"

    workers.call("DELETE", "/_mock/requests", a, json={})
    workers.call("GET", "/me", a)
    workers.call("GET", "/me", b)
    journal = workers.call("GET", "/_mock/requests", a).json()["requests"]
    assert {entry["path"] for entry in journal} == {"/me"}
    assert {str(entry["worker"]) for entry in journal} == {a, b}

    workers.call("POST", "/_mock/reset", b, json={})
    assert workers.me(token, a).json()["error_description"] == "the access token is not known"


@pytest.mark.processes
def test_worker_processes_sharing_the_embedded_store_behave_as_one_mock(tmp_path: Path) -> None:
    """What `make run` does with several granian workers: each worker process opens the same
    file store. granian hands an idle server's connections to whichever worker wakes first, so
    the test runs two single-worker processes on that store, to choose which one answers."""
    flags = ("--workers", "1", "--quiet", "--store", f"file://{tmp_path}")
    with mock_process(*flags) as first, mock_process(*flags) as second:
        workers = Workers([first.url, second.url])
        check_coherence(workers, *workers.two_workers())


def test_several_workers_default_to_a_private_file_store(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[Settings] = []
    monkeypatch.setattr(
        "mockserver.serving.serve._serve_granian", lambda settings, workers, tls: served.append(settings)
    )
    serve(Settings(workers=2, port=0))  # port 0: the port is claimed before serving
    serve(Settings(workers=1, port=0))
    assert served[0].store.startswith("file://")
    assert not Path(served[0].store.removeprefix("file://")).exists()  # removed when serving ends
    assert served[1].store == "memory:"


@pytest.mark.processes
def test_hosts_sharing_redis_behave_as_one_mock(redis_url: str) -> None:
    flags = ("--workers", "1", "--quiet", "--store", redis_url)
    with mock_process(*flags) as first, mock_process(*flags) as second:
        workers = Workers([first.url, second.url])
        workers.call("POST", "/_mock/reset", json={})
        check_coherence(workers, *workers.two_workers())


@pytest.fixture(params=["memory", "file", pytest.param("redis", marks=pytest.mark.processes)])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "memory":
        yield "memory:"
    elif request.param == "file":
        yield f"file://{tmp_path}"
    else:
        url = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(url, socket_timeout=5).flushdb()
        yield url


def test_every_backend_keeps_the_document_and_the_journal(backend_url: str) -> None:
    backend = open_backend(backend_url, initial_document, journal_size=3)
    try:
        generation, _ = backend.load()
        assert backend.update(lambda doc: doc["users"].__setitem__("x", {"u": 1})) is None
        assert backend.generation() != generation
        assert backend.load()[1]["users"] == {"x": {"u": 1}}
        for seq in range(5):
            backend.append_journal(seq, float(seq), EntryContent({"path": "/me"}))
        assert [entry["seq"] for entry in backend.journal()] == [2, 3, 4]
        backend.clear_journal()
        assert backend.journal() == []
    finally:
        backend.close()


@pytest.mark.parametrize(
    "backend_url", ["file", pytest.param("redis", marks=pytest.mark.processes)], indirect=True
)
def test_a_second_opening_shares_the_first_ones_key(backend_url: str) -> None:
    first = open_backend(backend_url, initial_document, journal_size=3)
    second = open_backend(backend_url, initial_document, journal_size=3)
    try:
        assert first.load()[1]["key"] == second.load()[1]["key"]
    finally:
        first.close()
        second.close()


def test_create_app_refuses_an_unknown_store() -> None:
    with pytest.raises(ValueError, match="store"):
        create_app(Settings(store="bogus://x"))


def _me(seq: int) -> tuple[int, float, EntryContent]:
    return seq, float(seq), EntryContent({"path": "/me"})


def test_a_record_not_yet_whole_is_left_out_and_the_others_read(tmp_path: Path) -> None:
    """A reader may find bytes that are not (yet) a record where the segment says one is (a writer
    killed mid-record, or its stores seen out of order): it leaves them out and reads the rest."""
    backend = open_backend(f"file://{tmp_path}", initial_document, journal_size=10)
    try:
        for seq in (1, 2):
            backend.append_journal(*_me(seq))
        (own_file,) = (tmp_path / "journal").glob("*.journal")
        second = own_file.read_bytes().index(RECORD.pack(0, 2, 2.0)[4:]) - 4
        with own_file.open("r+b") as handle:  # in place: the writer's mapping stays valid
            handle.seek(second + RECORD.size)
            handle.write(b"\xff" * 4)  # the second record's fields, torn
        backend.append_journal(*_me(3))
        assert [entry["seq"] for entry in backend.journal()] == [1, 3]
    finally:
        backend.close()


def test_the_file_store_keeps_its_journal_bounded_on_disk(tmp_path: Path) -> None:
    """A long load test must not fill the disk: each worker's file has the size of the journal's byte
    budget from its first entry on, and holds at most twice `journal_size` entries."""
    budget = 64 * 1024
    backend = open_backend(f"file://{tmp_path}", initial_document, journal_size=10, journal_bytes=budget)
    try:
        backend.append_journal(*_me(0))
        (own_file,) = (tmp_path / "journal").glob("*.journal")
        assert own_file.stat().st_size <= budget
        for seq in range(1, 1000):
            backend.append_journal(*_me(seq))
        assert own_file.stat().st_size <= budget
        directory = PrivateDirectory.open(str(tmp_path)).subdirectory("journal")
        assert 10 <= len(read_records(directory, own_file.name, clears=0)) <= 20
        directory.close()
        assert [entry["seq"] for entry in backend.journal()] == list(range(990, 1000))
        backend.clear_journal()
        assert backend.journal() == []
        backend.append_journal(*_me(1000))
        assert [entry["seq"] for entry in backend.journal()] == [1000]
    finally:
        backend.close()
