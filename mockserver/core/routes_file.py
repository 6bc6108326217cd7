"""Protected routes declared as data, with bodies that faker fills from a fixed seed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..data import load_json

__all__ = ["RouteSpec", "load_routes", "render_template"]

_PLACEHOLDER = re.compile(r"^\{\{\s*(\w+)\s*\}\}$")
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


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
    """Read the routes file; each body's faker placeholders are filled once, from `seed`."""
    from faker import Faker

    faker = Faker()
    faker.seed_instance(seed)
    specs = []
    for index, item in enumerate(load_json(path)["routes"]):
        try:
            specs.append(_route(item, faker))
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise ValueError(f"routes file {path}: routes[{index}]: {error}") from None
    return specs


def _route(item: dict[str, Any], faker: Any) -> RouteSpec:
    method = item.get("method", "GET").upper()
    if method not in _METHODS:
        raise ValueError(f"unsupported method {method} (use one of {', '.join(sorted(_METHODS))})")
    if not str(item.get("path", "")).startswith("/"):
        raise ValueError("'path' must be given, starting with /")
    return RouteSpec(
        method=method,
        path=item["path"],
        permission=item.get("permission"),
        status=int(item.get("status", 200)),
        body=render_template(item.get("body"), faker),
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
        value = getattr(faker, match.group(1))()
        return value if isinstance(value, int | float | bool | str) else str(value)
    return template
