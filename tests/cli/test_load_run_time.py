"""`--run-time` counts once every user is up: a slow start-up no longer eats the run.

Locust's own --run-time is a gevent timer armed against the event loop's clock, which stands still while
the start-up works; on a busy runner a 5 s run ended 0.4 s after its users started, before any answer,
with no verdict. Here the start-up is made slow on purpose and deterministically: an init listener holds
the event loop (no greenlet runs) for longer than the whole run time. Before the fix the run ended as soon
as the users started, with 0 answers; the test asserts answers were judged, a count, never a duration.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver import MockServer, Settings

from .test_load_command import RUN_TIMEOUT, _environment

pytestmark = pytest.mark.processes  # every test here starts a process

RUN_SECONDS = 2
SLOW_START_SECONDS = 3  # longer than the run: with the old timer the run was over when the users began

SLOW_LOCUSTFILE = f"""
from gevent import monkey
from locust import events

import authcontract.load.locustfile as contract


@events.init.add_listener
def slow_start(**_):
    monkey.get_original("time", "sleep")({SLOW_START_SECONDS})  # the event loop runs nothing meanwhile


class SlowStartUser(contract.ContractUser):
    pass
"""


def test_a_slow_start_up_does_not_shorten_the_run(tmp_path: Path) -> None:
    locustfile = tmp_path / "slow_start.py"
    locustfile.write_text(SLOW_LOCUSTFILE, encoding="utf-8")
    summary_file = tmp_path / "summary.json"
    with MockServer(Settings(log_requests=False)) as mock:
        command = [
            *(sys.executable, "-m", "locust", "-f", str(locustfile), "--host", mock.url, "--headless"),
            *("--users", "2", "--spawn-rate", "2", "--contract-run-time", str(RUN_SECONDS)),
            *("--contract-summary", str(summary_file), "--only-summary", "--loglevel", "WARNING"),
        ]
        run = subprocess.run(
            command, env=_environment(), capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
        )
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    clauses = {row["id"]: row for row in summary["clauses"]}
    assert summary["requests"]["count"] > 0
    assert clauses["login_answers_json_token"]["checked"] > 0
    assert clauses["fresh_token_is_accepted"]["checked"] > 0
    assert summary["verdict"] == "kept"
