"""`authcontract load` against an https platform whose CA only a bundle names: the Locust processes
verify with that bundle too, not only the command's own pre-flight (they get every resolved
setting as a CONTRACT_* variable: contract_tests/surfaces.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockserver import MockServer, Settings

from .test_load_command import _clauses, _live, load

pytestmark = pytest.mark.processes  # every test here starts a process


@pytest.mark.parametrize("given_as", ["variable", "flag"])
def test_every_locust_user_trusts_the_ca_bundle_given(tmp_path: Path, given_as: str) -> None:
    summary_file = tmp_path / "load.json"
    with MockServer(Settings(tls=True, log_requests=False)) as mock:
        assert mock.url.startswith("https://")
        bundle = str(mock.ca_bundle)
        env = _live(mock.url) | ({"CONTRACT_CA_BUNDLE": bundle} if given_as == "variable" else {})
        flags = ("--ca-bundle", bundle) if given_as == "flag" else ()
        run = load(*flags, "--users", "2", "--run-time", "2s", "--json", str(summary_file), env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    assert summary["target_errors"] == {}
    assert _clauses(summary)["fresh_token_is_accepted"]["checked"] > 0
