"""The same calls through Flask's test client or real HTTP, so each rule is tested both ways."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import requests
from flask.testing import FlaskClient

TIMEOUT = 5


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: Any
    text: str

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


class Transport(Protocol):
    def request(self, method: str, path: str, **kwargs: Any) -> Reply: ...


class TestClientTransport:
    __test__ = False

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def request(self, method: str, path: str, **kwargs: Any) -> Reply:
        if "params" in kwargs:
            kwargs["query_string"] = kwargs.pop("params")
        response = self._client.open(path, method=method, **kwargs)
        text = response.get_data(as_text=True)
        return Reply(response.status_code, dict(response.headers), response.get_json(silent=True), text)


class HttpTransport:
    def __init__(self, base_url: str) -> None:
        self._base_url = base_url
        self._session = requests.Session()

    def request(self, method: str, path: str, **kwargs: Any) -> Reply:
        response = self._session.request(method, self._base_url + path, timeout=TIMEOUT, **kwargs)
        try:
            body = response.json()
        except ValueError:
            body = None
        return Reply(response.status_code, dict(response.headers), body, response.text)

    def close(self) -> None:
        self._session.close()
