"""Protected routes declared as data, with bodies that faker fills from a fixed seed.

The bundled routes come pre-rendered for the default seed (fixtures/routes.rendered.json, pinned to
faker's rendering by tests/mock/test_routes_file.py), so a plain install serves them without faker.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..data import fixture_path, load_json
from ..settings import ConfigError
from .fake import seeded_faker

__all__ = [
    "DATES_UNTIL",
    "RENDERED_FILE",
    "RouteSpec",
    "load_routes",
    "render_routes",
    "render_template",
    "template_digest",
]

_PLACEHOLDER = re.compile(r"^\{\{\s*(\w+)\s*\}\}$")
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
RENDERED_FILE = "routes.rendered.json"
# faker draws dates up to "now" by default: a fixed end keeps a seed's bodies the same on every day
DATES_UNTIL = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    permission: str | None
    status: int
    body: Any

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.path}"


def load_routes(path: Path, seed: int) -> list[RouteSpec]:
    """Read the routes file; each body's faker placeholders are filled once, from `seed`.

    A file whose pre-rendered bodies for `seed` ship in fixtures/ needs no faker, nor does a file
    without placeholders; otherwise a missing faker is a ConfigError naming the 'fake' extra.
    """
    document = load_json(path)
    shipped = _rendered_file()
    if shipped is not None and shipped.get("template_sha256") != template_digest(document):
        shipped = None  # rendered from another routes file: nothing of it is this file's
    rendered = shipped["routes"] if shipped is not None and shipped.get("seed") == seed else None
    items = rendered if rendered is not None else document["routes"]
    purpose = (
        f"rendering the bundled routes at seed {seed} (pre-rendered for seed {shipped['seed']} only)"
        if shipped is not None
        else f"filling the placeholders of routes file {path}"
    )
    faker = _LazyFaker(seed, purpose)
    specs = []
    for index, item in enumerate(items):
        try:
            specs.append(_route(item, faker if rendered is None else None))
        except ConfigError:
            raise
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise ValueError(f"routes file {path}: routes[{index}]: {error}") from None
    return specs


def render_routes(document: dict[str, Any], faker: Any) -> list[dict[str, Any]]:
    """The routes of a routes document with their bodies rendered: what the rendered file holds."""
    return [{**item, "body": render_template(item.get("body"), faker)} for item in document["routes"]]


def template_digest(document: Any) -> str:
    """A routes document's SHA-256, independent of its whitespace and key order."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _rendered_file() -> dict[str, Any] | None:
    """fixtures/routes.rendered.json: the bundled routes' bodies rendered by faker for one seed."""
    try:
        document: dict[str, Any] = load_json(fixture_path(RENDERED_FILE))
    except FileNotFoundError:
        return None
    return document


class _LazyFaker:
    """Faker made at the first placeholder met: a routes file without any needs no faker."""

    def __init__(self, seed: int, purpose: str) -> None:
        self._seed, self._purpose = seed, purpose
        self._faker: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._faker is None:
            self._faker = seeded_faker(self._seed, self._purpose)
        return getattr(self._faker, name)


def _route(item: dict[str, Any], faker: Any) -> RouteSpec:
    """One route; its body rendered by `faker`, or taken as it stands when `faker` is None."""
    method = item.get("method", "GET").upper()
    if method not in _METHODS:
        raise ValueError(f"unsupported method {method} (use one of {', '.join(sorted(_METHODS))})")
    if not str(item.get("path", "")).startswith("/"):
        raise ValueError("'path' must be given, starting with /")
    body = item.get("body")
    return RouteSpec(
        method=method,
        path=item["path"],
        permission=item.get("permission"),
        status=int(item.get("status", 200)),
        body=body if faker is None else render_template(body, faker),
    )


def render_template(template: Any, faker: Any) -> Any:
    """Replace each `"{{ provider }}"` string with faker's value; `{"$repeat": n, "item": t}` is a list."""
    if isinstance(template, dict):
        if "$repeat" in template:
            return [render_template(template["item"], faker) for _ in range(template["$repeat"])]
        return {key: render_template(value, faker) for key, value in template.items()}
    if isinstance(template, list):
        return [render_template(value, faker) for value in template]
    if isinstance(template, str) and (match := _PLACEHOLDER.match(template)):
        value = _fill(getattr(faker, match.group(1)))
        return value if isinstance(value, int | float | bool | str) else str(value)
    return template


def _fill(provider: Any) -> Any:
    """The provider's value; one that draws up to "now" (`end_datetime`) draws up to DATES_UNTIL."""
    try:
        takes_end = "end_datetime" in inspect.signature(provider).parameters
    except (TypeError, ValueError):  # not introspectable: called as it is
        takes_end = False
    return provider(end_datetime=DATES_UNTIL) if takes_end else provider()
