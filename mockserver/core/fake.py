"""faker, imported on first use from the `fake` extra: without it, one ConfigError line naming the extra.

A plain install has no faker, so no faker pytest plugin loads in the user's project. The mock needs
faker only for `--fake-users` and for routes files with placeholders that were not pre-rendered.
"""

from __future__ import annotations

from typing import Any

from ..extras import MissingExtra, require
from ..settings import ConfigError

__all__ = ["seeded_faker"]


def seeded_faker(seed: int, purpose: str) -> Any:
    """A Faker seeded with `seed`; without faker, a ConfigError: `purpose` needs the 'fake' extra."""
    try:
        faker_module = require("faker", "fake", purpose)
    except MissingExtra as missing:
        raise ConfigError(str(missing)) from None
    faker = faker_module.Faker()
    faker.seed_instance(seed)
    return faker
