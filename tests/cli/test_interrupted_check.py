"""A `check` stopped by Ctrl-C leaves reports that say so, never a JUnit file that reads green
(issue 26 item 6): the JUnit holds an <error> naming the interruption, the JSON `verdict.result`
is `none` with the line, the HTML page states it. The run is caught mid-way: the platform holds
every request past the pre-flight's, and SIGINT is sent once one such request has arrived.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.processes import start_server

from .hostile import Hostile, hostile_platform
from .test_check import AUTHCONTRACT, RUN_TIMEOUT, _environment

pytestmark = pytest.mark.processes  # every test here starts a process

PAST_THE_PREFLIGHT = 4  # requests answered before the platform stalls: the pre-flight's, then a few checks'
LINE = "interrupted (Ctrl-C): no verdict"


def test_ctrl_c_mid_run_leaves_reports_that_name_the_interruption(tmp_path: Path) -> None:
    assert AUTHCONTRACT is not None
    platform = Hostile(stall_after=PAST_THE_PREFLIGHT)
    junit, report, results = tmp_path / "c.xml", tmp_path / "c.html", tmp_path / "c.json"
    with hostile_platform(platform) as url:
        process = start_server(
            [AUTHCONTRACT, "check", "--junitxml", str(junit), "--html", str(report), "--json", str(results)],
            env=_environment(**platform.env(url)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert platform.stalled.wait(timeout=RUN_TIMEOUT), "the run reached the stalled platform"
            os.kill(process.pid, signal.SIGINT)  # as `kill -INT`: check alone; it passes it on to its suite
            out, err = process.communicate(timeout=RUN_TIMEOUT)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate(timeout=RUN_TIMEOUT)
    assert process.returncode == 2, out + err
    assert err.strip().splitlines()[-1] == f"authcontract check: {LINE}"
    assert out == ""  # no table of a run that did not end
    suites = ElementTree.parse(junit).getroot().findall("testsuite")  # noqa: S314 - written by the run
    assert [(suite.get("failures"), suite.get("errors")) for suite in suites] == [("0", "1")]
    errors = [case.find("error") for case in suites[0].iter("testcase")]
    assert [error.get("message") for error in errors if error is not None] == [LINE]
    assert all(case.get("name") for case in suites[0].iter("testcase"))
    document = json.loads(results.read_text(encoding="utf-8"))
    assert (document["exit_status"], document["verdict"]["result"], document["verdict"]["line"]) == (
        2,
        "none",
        LINE,
    )
    page = _Text()
    page.feed(report.read_text(encoding="utf-8"))
    assert LINE in page.parts


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
