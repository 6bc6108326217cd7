"""A platform's words never drive the terminal nor break a report (issue 31 items 7 and 8).

The platform (hostile.py, raw sockets) writes ESC, BEL, CR, DEL, a C1 control, U+202E, U+2028 and a
lone surrogate into its reason phrases, headers and error codes. `check` and `compare` are run as a
user runs them; their output holds none of those characters, yet shows the platform's words
escaped, and every report they write parses (xml.etree, json, html.parser) with none in its text.
"""

from __future__ import annotations

import json
import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from authcontract.text import printable

from .hostile import Hostile, hostile_platform
from .test_check import AUTHCONTRACT, RUN_TIMEOUT, _environment

pytestmark = pytest.mark.processes  # every test here starts a process

RAW = ("\x1b", "\x07", "\r", "\x7f", "\x9b", "\u202e", "\u2028")


def _raw_in(text: str) -> list[str]:
    """The raw control characters in `text` (an escape such as `\\x1b` is not one)."""
    return sorted({repr(char) for char in text if printable(char, lines=True) != char})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _reports_are_well_formed(junit: Path, report: Path, results: Path) -> str:
    """Each report parses, and no text in it holds a raw control character; returns their text."""
    root = ElementTree.parse(junit).getroot()  # noqa: S314 - written by the run under test
    xml_text = [text for element in root.iter() for text in (element.text, *element.attrib.values()) if text]
    page = _Text()
    page.feed(report.read_text(encoding="utf-8"))
    page.close()
    document = json.loads(results.read_text(encoding="utf-8"))
    everything = "\n".join([*xml_text, *page.parts, *_strings(document)])
    assert _raw_in(everything.replace("\n", " ").replace("\t", " ")) == []
    return everything


@pytest.mark.parametrize("command", ["check", "compare"])
def test_the_platforms_escapes_reach_no_terminal_and_break_no_report(command: str, tmp_path: Path) -> None:
    assert AUTHCONTRACT is not None
    platform = Hostile()
    junit, report, results = tmp_path / "r.xml", tmp_path / "r.html", tmp_path / "r.json"
    with hostile_platform(platform) as url:
        reports = ["--junitxml", str(junit), "--html", str(report), "--json", str(results)]
        if command == "check":
            reports += ["--examples", "1"]
        finished = subprocess.run(
            [AUTHCONTRACT, command, *reports],
            env=_environment(**platform.env(url)),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    out, err = finished.stdout.decode("utf-8"), finished.stderr.decode("utf-8")
    assert finished.returncode == 1, out + err  # a verdict was reached: the contract is broken
    assert platform.arrived > 3
    for byte in (b"\x1b", b"\x07", b"\r", b"\x7f"):
        assert byte not in finished.stdout + finished.stderr
    assert _raw_in(out + err) == []
    assert "\\x1b[2J" in out  # the platform's words are there, escaped
    written = _reports_are_well_formed(junit, report, results)
    assert "\\x1b[2J" in written
    assert platform.password not in out + err + written
    assert os.path.getsize(junit) > 0
