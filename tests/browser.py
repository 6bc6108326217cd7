"""Headless Chromium for the tests that look at a page: Debian's `chromium` (which `make test` installs),
driven by playwright with the flags this machine's closed network needs, in a fresh profile."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

__all__ = ["CHROMIUM", "chromium_context", "needs_chromium"]

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (make test installs it: apt-get install chromium)",
)
# No first-run work and no background connections: without these, Chromium's calls to Google's hosts
# are refused by the closed network at every start, many at a time.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium_context(profile: Path, viewport: dict[str, int]) -> Iterator[Any]:
    """A browser context of a new profile in `profile`; Chromium and its driver end with the block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS, viewport=viewport
        )
        try:
            yield context
        finally:
            context.close()
