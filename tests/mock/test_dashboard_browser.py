"""The dashboard in headless Chromium (Debian's `chromium`, which `make test` installs): it shows what
the mock saw, drives the clock and a revocation, and loads nothing from another host.

Set DASHBOARD_SCREENSHOT=docs/img/dashboard.png to refresh the screenshot the docs show.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mockserver import ManualClock, MockServer, Settings, create_app

from ..browser import chromium_context, needs_chromium

pytestmark = [pytest.mark.processes, needs_chromium]  # playwright's driver and chromium
TIMEOUT = 5
WAIT_MS = 15_000  # a generous upper bound for the page to show a change, not a measure
PASSWORD = "demo-password"
VIEWER_PASSWORD = "viewer-password"
TTL = 600


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(float(int(time.time())))  # near real time, so the page's offset reads naturally


@pytest.fixture
def mock(clock: ManualClock) -> Iterator[MockServer]:
    with MockServer(app=create_app(Settings(token_ttl=TTL, log_requests=False), clock=clock)) as running:
        yield running


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[Any]:
    """A page of a fresh Chromium profile, closed (and Chromium with it) by the test."""
    with chromium_context(tmp_path / "profile", {"width": 1200, "height": 1400}) as context:
        yield context.pages[0] if context.pages else context.new_page()


def login(mock: MockServer, username: str, password: str) -> str:
    reply = requests.post(
        mock.url_for("/authorization"), data={"username": username, "password": password}, timeout=TIMEOUT
    )
    assert reply.status_code == 200
    return reply.json()["access_token"]


def me(mock: MockServer, token: str) -> requests.Response:
    return requests.get(mock.url_for("/me"), headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)


def control(mock: MockServer, path: str) -> Any:
    return requests.get(mock.url_for(f"/_mock/{path}"), timeout=TIMEOUT).json()


def test_the_dashboard_shows_and_drives_the_mock(
    mock: MockServer, clock: ManualClock, browser_page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    token = login(mock, "demo", PASSWORD)
    assert me(mock, token).status_code == 200
    clock.advance(30)  # the two tokens expire 30 s apart: "past the shortest" must pick the older
    viewer = login(mock, "viewer", VIEWER_PASSWORD)
    requested: list[str] = []
    answers: list[Any] = []
    browser_page.on("request", lambda request: requested.append(request.url))
    browser_page.on("response", lambda answer: answers.append(answer))

    browser_page.goto(mock.url_for("/_mock/dashboard"), timeout=WAIT_MS)
    browser_page.wait_for_selector("body[data-refreshed]", timeout=WAIT_MS)
    users = browser_page.locator("#users")
    expect(users.locator("tr", has_text="demo").first).to_be_visible(timeout=WAIT_MS)
    journal = browser_page.locator("#journal td.path")
    expect(journal.filter(has_text="/authorization").first).to_be_visible(timeout=WAIT_MS)
    expect(journal.filter(has_text="/me").first).to_be_visible(timeout=WAIT_MS)
    tokens = browser_page.locator("#tokens tr")
    expect(tokens).to_have_count(2, timeout=WAIT_MS)

    # The clock, through the page: +60 s, then past the shortest live token.
    start = control(mock, "clock")["now"]
    browser_page.get_by_role("button", name="+60 s").click()
    expect(browser_page.locator("#status")).to_have_text("clock advanced 1 min 0 s", timeout=WAIT_MS)
    assert control(mock, "clock")["now"] == start + 60

    # A revocation, through the page: the demo token's row.
    demo_row = browser_page.locator("#tokens tr", has_text="demo")
    demo_row.get_by_role("button", name="Revoke").click()
    expect(demo_row.locator("td").nth(4)).to_have_text("revoked", timeout=WAIT_MS)
    refused = me(mock, token)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["error_description"]
    states = {item["username"]: item["state"] for item in control(mock, "tokens")["tokens"]}
    assert states == {"demo": "revoked", "viewer": "live"}

    shot = Path(os.environ.get("DASHBOARD_SCREENSHOT") or tmp_path / "dashboard.png")
    browser_page.screenshot(path=str(shot), full_page=True)  # one token revoked, one counting down
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    browser_page.get_by_role("button", name="Past the shortest live token").click()
    expect(browser_page.locator("#tokens tr", has_text="viewer").locator("td").nth(4)).to_have_text(
        "expired", timeout=WAIT_MS
    )
    assert me(mock, viewer).json()["error_description"] == "the access token has expired"
    assert control(mock, "clock")["now"] >= start + TTL - 30

    # Nothing secret anywhere the page holds or received, and nothing from another host.
    browser_page.wait_for_selector("body[data-refreshed]", timeout=WAIT_MS)
    seen = browser_page.content()
    bodies = [
        answer.text() for answer in answers if answer.request.method != "OPTIONS" and answer.status != 204
    ]
    for secret in (token, viewer, PASSWORD, VIEWER_PASSWORD, token[:16], viewer[:16]):
        assert secret not in seen
        assert all(secret not in body for body in bodies)
    assert len(bodies) >= 10  # the page's own files and several reads of the control API
    assert requested
    assert all(url.startswith(f"{mock.url}/_mock/") for url in requested), "a request left the mock"
    journaled = {entry["path"] for entry in control(mock, "requests")["requests"]}
    assert journaled == {"/authorization", "/me"}  # the page asked the mock nothing else (no /favicon.ico)
