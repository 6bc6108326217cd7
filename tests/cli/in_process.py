"""An `authcontract` command run by its main() in the test's own process: for runs that stop before
starting a suite or Locust, so they start no process and need no `processes` marker."""

from __future__ import annotations

import pytest

__all__ = ["run_in_process"]


def run_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: dict[str, str], *argv: str
) -> tuple[int, str, str]:
    """`authcontract <argv>` with `env` set for the test: (status, stdout, stderr)."""
    from authcontract.cli import main

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err
