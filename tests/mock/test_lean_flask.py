"""LeanFlask routes, redirects and refuses exactly as Flask does, whatever the host, path or query."""

from __future__ import annotations

import pytest
from flask import Flask, jsonify, request

from mockserver.http.lean_flask import LeanFlask

REQUESTS = [
    ("GET", "/items/7?x=1", "127.0.0.1:8080"),
    ("GET", "/items/7", "LOCALHOST"),
    ("GET", "/folder?keep=%C3%A9", "example.test"),  # strict slashes: a redirect that keeps the query
    ("GET", "/caf%C3%A9", "bücher.example"),  # an IDNA host, a UTF-8 path
    ("POST", "/items/7", "127.0.0.1"),  # 405 with Allow
    ("GET", "/missing", "127.0.0.1"),
    ("GET", "/items/8", "127.0.0.1:8080"),  # the same host again: from the cache
]


def build(cls: type[Flask]) -> Flask:
    app = cls(__name__)

    @app.get("/items/<int:item>")
    def item(item: int) -> object:
        return jsonify(item=item, host=request.host, url=request.url)

    @app.get("/folder/")
    def folder() -> object:
        return jsonify(folder=True)

    @app.get("/café")
    def cafe() -> object:
        return jsonify(cafe=True)

    return app


@pytest.mark.parametrize(("method", "path", "host"), REQUESTS)
def test_an_answer_is_flasks(method: str, path: str, host: str) -> None:
    lean, plain = build(LeanFlask).test_client(), build(Flask).test_client()
    for client in (lean, plain):  # warm: the second request per host comes from the cache
        client.open(path, method=method, headers={"Host": host})
    ours = lean.open(path, method=method, headers={"Host": host})
    theirs = plain.open(path, method=method, headers={"Host": host})
    assert (ours.status_code, ours.data) == (theirs.status_code, theirs.data)
    assert ours.headers.get("Location") == theirs.headers.get("Location")
    assert ours.headers.get("Allow") == theirs.headers.get("Allow")


def test_past_its_bound_the_host_cache_grows_no_more() -> None:
    app = build(LeanFlask)
    client = app.test_client()
    for number in range(100):
        assert client.get("/items/1", headers={"Host": f"h{number}.test"}).status_code == 200
    assert len(app._bound) == 64
