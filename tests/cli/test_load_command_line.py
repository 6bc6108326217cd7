"""The Locust command lines `authcontract load` builds: who may reach the master, how the run time counts."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from authcontract.load.arguments import add_arguments
from authcontract.load.locust_process import locust_command as _locust_command


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_a_master_listens_on_the_loopback_unless_told() -> None:
    command = _locust_command(_args("--master"), "http://127.0.0.1:1", Path("s.json"), Path("w"))
    assert _option(command, "--master-bind-host") == "127.0.0.1"
    told = _args("--master", "--master-bind-host", "10.0.0.5")
    assert _option(
        _locust_command(told, "http://127.0.0.1:1", Path("s"), Path("w")), "--master-bind-host"
    ) == ("10.0.0.5")


@pytest.mark.parametrize(
    ("argv", "seconds"),
    [((), "30"), (("--run-time", "5s"), "5"), (("--web", "--run-time", "1m"), "60"), (("--master",), "30")],
    ids=["default", "headless", "web", "master"],
)
def test_the_run_time_counts_once_the_users_are_up_never_on_locusts_timer(
    argv: tuple[str, ...], seconds: str
) -> None:
    command = _locust_command(_args(*argv), "http://127.0.0.1:1", Path("s.json"), Path("w"))
    assert "--run-time" not in command
    assert _option(command, "--contract-run-time") == seconds


def test_a_web_ui_without_a_run_time_waits_for_its_page() -> None:
    command = _locust_command(_args("--web"), "http://127.0.0.1:1", Path("s.json"), Path("w"))
    assert "--autostart" not in command
    assert "--contract-run-time" not in command
    assert _option(command, "--web-host") == "127.0.0.1"
