"""The documentation site as a reader gets it: `make docs` builds it, its pages render in Debian's
headless Chromium from files alone (no font, script or style sheet from another host), code is
highlighted and fits the page, names in tables stay whole, and the API reference carries the
docstrings of the plugin's fixtures and the mock handle.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..browser import chromium_context, needs_chromium
from ..documents import ROOT, block

pytestmark = pytest.mark.processes  # every test here starts a process

DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent
DESKTOP = {"width": 1280, "height": 900}  # both sidebars shown: the narrowest text column
PHONE = {"width": 390, "height": 844}
CODE_COLUMNS = 88
# Verbatim answers a test compares with the real one, line for line: they wrap on the page.
WIDE_LINES_ALLOWED = {
    ("mock.md", 'www-authenticate: Bearer realm="authcontract-mock", error="invalid_token", '),
}
GETTING_STARTED = ["getting-started/developer", "getting-started/ci", "getting-started/qa"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `make docs` builds it (strict), into a directory of this test run."""
    out = tmp_path_factory.mktemp("docs") / "site"
    make = shutil.which("make")
    assert make is not None, "make builds the site"
    # STAMP= : the venv running this test is the one to build with (no reinstall from a test)
    command = [make, "-s", "-C", str(ROOT), "docs", "STAMP=", f"BIN={BIN}", f"SITE_DIR={out}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def page_paths(site: Path) -> list[str]:
    """Every page of the site, as its directory relative to the site ('' for Home)."""
    relative = (path.parent.relative_to(site).as_posix() for path in site.rglob("index.html"))
    return sorted("" if path == "." else path for path in relative)


def test_make_docs_writes_home_getting_started_and_the_reference(site: Path) -> None:
    pages = set(page_paths(site))
    expected = {"", "getting-started", *GETTING_STARTED, "reference/fixtures", "reference/handle"}
    assert expected <= pages, expected - pages
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "README" not in home  # Home sends a reader to the getting-started pages instead
    for path in GETTING_STARTED:
        assert f'href="{path}/"' in home, path


def _fenced_lines(path: Path) -> Iterator[tuple[int, str]]:
    fence = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        marker = re.match(r"\s*(```|~~~)", line)
        if marker and (not fence or marker.group(1) == fence):
            fence = "" if fence else marker.group(1)
        elif fence:
            yield number, line


def test_no_code_line_in_the_docs_is_wider_than_the_page() -> None:
    """88 columns fit the text column of the narrowest desktop layout (the Chromium test holds it)."""
    wide = [
        f"{path.relative_to(DOCS)}:{number}: {len(line)} columns"
        for path in sorted(DOCS.rglob("*.md"))
        for number, line in _fenced_lines(path)
        if len(line) > CODE_COLUMNS
        and not any(path.name == name and line.startswith(start) for name, start in WIDE_LINES_ALLOWED)
    ]
    assert not wide, "wrap or shorten:\n" + "\n".join(wide)


def _pip_installs(text: str) -> list[str]:
    return [line.split("#")[0].strip() for line in text.splitlines() if line.startswith("pip install ")]


def _requirement(line: str) -> str:
    """The requirement of a `pip install` line: quotes gone, a git URL's commit and variable resolved."""
    spec = line.removeprefix("pip install ").strip("'\"")
    spec = spec.replace("$AUTHCONTRACT", "git+https://github.com/your-org/authcontract@COMMIT_SHA")
    return re.sub(r"(git\+https://\S+?)@COMMIT_SHA$", r"\1", spec)


def test_the_getting_started_pages_install_as_the_readme_does() -> None:
    """The README's install lines are the ones that work today; the pages use the same ones."""
    readme = {_requirement(line) for line in _pip_installs(block("example:install"))}
    git_url = next(spec.split(" @ ")[1] for spec in readme if " @ " in spec)
    for path in sorted((DOCS / "getting-started").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        installs = [_requirement(line) for line in _pip_installs(text)]
        assert installs, f"{path.name} shows no install"
        for spec in installs:
            name, _, url = spec.partition(" @ ")
            assert spec in readme or (url == git_url and name.startswith("authcontract")), (path.name, spec)
        # a PyPI line (a pinned version) only ever beside the words that it is not published yet
        for paragraph in text.split("\n\n"):
            if "authcontract==" in paragraph:
                assert "not published" in paragraph, (path.name, paragraph)


def test_the_api_reference_carries_the_docstrings(site: Path) -> None:
    fixtures = (site / "reference" / "fixtures" / "index.html").read_text(encoding="utf-8")
    for name in ["auth_mock", "auth_token", "auth_mock_user", "auth_mock_settings", "auth_mock_server"]:
        assert f'id="mockserver.pytest_plugin.{name}"' in fixtures, name
    assert "reset for this test" in fixtures  # auth_mock's own docstring
    handle = (site / "reference" / "handle" / "index.html").read_text(encoding="utf-8")
    for name in ["AuthMock.advance", "AuthMock.set_fault", "AuthMock.assert_called", "Calls.matching"]:
        assert f'id="mockserver.testing.{name}"' in handle, name
    assert "tokens expire without anyone sleeping" in handle
    server = (site / "reference" / "server" / "index.html").read_text(encoding="utf-8")
    assert 'id="mockserver.serving.server.MockServer.url_for"' in server


# Run in each page: what does not fit, measured by the browser. A code block is measured with its
# lines unwrapped (the style sheet wraps them rather than clip); a name in a table is broken when it
# lies on more than one line box.
MEASURE = """() => {
  const found = {page: null, scrolls: [], code: [], tables: [], names: []};
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) found.page = [root.scrollWidth, root.clientWidth];
  for (const code of document.querySelectorAll('.md-typeset pre > code')) {
    const longest = code.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), '');
    if (code.scrollWidth > code.clientWidth) found.scrolls.push(longest.slice(0, 60));
    code.style.whiteSpace = 'pre';
    if (code.scrollWidth > code.clientWidth) found.code.push(longest.slice(0, 60));
    code.style.whiteSpace = '';
  }
  for (const table of document.querySelectorAll('.md-typeset table')) {
    if (table.scrollWidth > table.clientWidth) found.tables.push(table.rows[0].textContent.trim());
  }
  for (const name of document.querySelectorAll('.md-typeset table code')) {
    if (name.getClientRects().length > 1) found.names.push(name.textContent);
  }
  return found;
}"""

# Highlighting: the first keyword of a code block is coloured apart from the block's plain text.
COLOURS = """() => {
  const keyword = document.querySelector('.highlight code .kn, .highlight code .k');
  return [getComputedStyle(keyword).color, getComputedStyle(keyword.closest('code')).color];
}"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A fresh Chromium profile, closed (and Chromium with it) when the module's tests end."""
    with chromium_context(tmp_path_factory.mktemp("chromium-profile"), DESKTOP) as context:
        yield context


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A tab that lets only file: and data: requests through and lists every other one it stopped."""
    tab = browser.new_page()
    elsewhere: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    tab.route("**/*", guard)
    try:
        yield tab, elsewhere
    finally:
        tab.close()


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@needs_chromium
def test_every_page_renders_offline_and_fits_a_desktop_window(site: Path, page: Any) -> None:
    tab, elsewhere = page
    tab.set_viewport_size(DESKTOP)
    misfits = {}
    for path in page_paths(site):
        tab.goto((site / path / "index.html").as_uri(), wait_until="load")
        found = tab.evaluate(MEASURE)
        allowed = [line for line in found["code"] if any(line in start for _, start in WIDE_LINES_ALLOWED)]
        found["code"] = [line for line in found["code"] if line not in allowed]
        if any(found.values()):
            misfits[path or "/"] = found
    assert not misfits, misfits
    assert not elsewhere, f"requests that left for another host: {elsewhere}"


@needs_chromium
@pytest.mark.parametrize("path", ["", "getting-started", *GETTING_STARTED])
def test_home_and_getting_started_show_styled_highlighted_pages_on_a_phone_too(
    site: Path, page: Any, path: str, tmp_path: Path
) -> None:
    tab, elsewhere = page
    tab.set_viewport_size(DESKTOP)
    tab.goto((site / path / "index.html").as_uri(), wait_until="load")
    screenshot = tmp_path / "page.png"
    tab.screenshot(path=str(screenshot))
    assert _png_size(screenshot.read_bytes()) == (DESKTOP["width"], DESKTOP["height"])
    tab.goto("about:blank")
    blank = tab.screenshot()
    assert screenshot.stat().st_size > 5 * len(blank), "the screenshot is as empty as a blank page"
    tab.goto((site / path / "index.html").as_uri(), wait_until="load")
    # material's own style sheet applied (from the site's files): a coloured header, a sans-serif body
    header = tab.evaluate("() => getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    assert header not in ("rgba(0, 0, 0, 0)", "transparent"), header
    if path == "getting-started/developer":
        keyword, text = tab.evaluate(COLOURS)
        assert keyword != text, "the Python example is not highlighted"
    tab.set_viewport_size(PHONE)
    found = tab.evaluate(MEASURE)
    assert found["page"] is None, f"the page scrolls sideways on a phone: {found['page']}"
    assert not found["scrolls"], f"code that scrolls sideways on a phone: {found['scrolls']}"
    assert not elsewhere, f"requests that left for another host: {elsewhere}"
