"""`authcontract load` reads the master's summary with every value redacted, never its JSON text.

Issue 31 item 14: a password that is one of the summary's own words (`checked`, `requests`, `true`)
was masked in the serialised summary, which then no longer parsed (exit 1, "a clause was broken") or
lost its keys. Locust and the pre-flight are stubbed: what is tested is the command's report path.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from authcontract.cli import build_parser
from authcontract.load import command
from authcontract.load.clauses import CLAUSES, info
from authcontract.load.report import build_summary
from authcontract.load.violations import BREAKING_TIERS, TokenLedger
from contract_tests import redaction

BROKEN = next(clause for clause in sorted(CLAUSES) if info(clause).tier in BREAKING_TIERS)


def summary(password: str, *, broken: bool) -> dict[str, Any]:
    """What the Locust master writes: its example quotes an answer that echoed the password."""
    example = {"at": 1_700_000_000.0, "origin": "local", "detail": f"body: password {password} seen"}
    tally = {"checked": 5, "violations": 1 if broken else 0, "examples": [example] if broken else []}
    return build_summary(
        target="http://127.0.0.1:9",
        clauses={clause: {"checked": 5} for clause in CLAUSES} | {BROKEN: tally},
        target_errors={},
        ledger=TokenLedger(),
        traffic={"count": 10, "duration_s": 1.0, "rps": 10.0},
        endpoints=[],
    )


@pytest.mark.parametrize("broken", [False, True], ids=["kept", "broken"])
@pytest.mark.parametrize("password", ["checked", "requests", "true", "examples"])
def test_a_password_that_spells_a_word_of_the_summary_breaks_no_report(
    password: str, broken: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redaction, "REDACTOR", redaction.Redactor())
    written = summary(password, broken=broken)

    def locust(argv: list[str], *args: Any, **kwargs: Any) -> int:
        Path(argv[argv.index("--contract-summary") + 1]).write_text(json.dumps(written), encoding="utf-8")
        return 0

    monkeypatch.setattr(command, "run_locust", locust)
    monkeypatch.setattr(command, "_preflight", lambda settings, base_url: None)
    results, junit = tmp_path / "load.json", tmp_path / "load.xml"
    args = build_parser().parse_args(
        ["load", "--base-url", "http://127.0.0.1:9", "--json", str(results), "--junitxml", str(junit)]
    )
    environ = {
        "CONTRACT_USERNAME": "qa-user",
        "CONTRACT_PASSWORD": password,
        "CONTRACT_PROTECTED_PATH": "/me",
    }
    out, err = io.StringIO(), io.StringIO()
    status = command.run_load(args, environ=environ, stdin=io.StringIO(), out=out, err=err)
    assert status == written["exit_code"] == (1 if broken else 0), err.getvalue()
    document = json.loads(results.read_text(encoding="utf-8"))
    assert [row["checked"] for row in document["clauses"]] == [5] * len(CLAUSES)
    assert document["exit_code"] == status
    cases = ElementTree.parse(junit).getroot().findall("testcase")  # noqa: S314 - written by the run above
    assert len(cases) == len(CLAUSES)
    reports = out.getvalue() + results.read_text(encoding="utf-8") + junit.read_text(encoding="utf-8")
    assert f"password {password} seen" not in reports
    if broken:
        assert "password *** seen" in out.getvalue()
        row = next(row for row in document["clauses"] if row["id"] == BROKEN)
        assert row["examples"][0]["detail"] == "body: password *** seen"
