"""Every message a user reads is whole: no sentence cut at a line of source, no exception's count
where the finding should be, no masked value swallowing the text after it (issue 26 item 9)."""

from __future__ import annotations

from pathlib import Path

from authcontract.suite import read_summary
from authcontract.table import render_table

from .conftest import SuiteRunner
from .targets import Platform


def test_a_schema_failure_of_the_token_answer_reads_whole(suite: SuiteRunner, tmp_path: Path) -> None:
    """A string expires_in, and a token long enough that the body shown is cut inside it: the body is
    masked before it is cut, and schemathesis's finding follows whole, without `(1 sub-exception)`."""
    outcome = suite.run(
        Platform(announced="3600", new_token=lambda: "t" * 80),
        "-k",
        "token_endpoint_conforms",
        "-p",
        "authcontract.recorder",
        f"--authcontract-record={tmp_path / 'results.json'}",
    )
    assert outcome.failed == {"test_token_endpoint_conforms"}, outcome.text
    detail = read_summary(tmp_path, "P").results[0].detail
    actual = next(line for line in detail.splitlines() if line.startswith("actual:"))
    assert actual.endswith(
        'POST /authorization answered 200 OK {"token_type": "Bearer", "access_token": "***", '
        '"expires_in"…: Response violates schema (ST108)'
    ), detail
    assert '"3600" is not of type "integer"' in detail
    assert "Validated against the response schema for `2XX` (status code 200)." in detail
    assert "sub-exception" not in detail
    assert "t" * 16 not in detail + outcome.text
    table = render_table(read_summary(tmp_path, "P"), width=100)
    assert "sub-exception" not in table


def test_the_tls_skip_on_the_loopback_says_its_whole_sentence(suite: SuiteRunner, tmp_path: Path) -> None:
    outcome = suite.run(
        Platform(),
        "-k",
        "travel_under_tls",
        "-p",
        "authcontract.recorder",
        f"--authcontract-record={tmp_path / 'results.json'}",
    )
    assert set(outcome.skipped) == {"test_credentials_and_tokens_travel_under_tls"}, outcome.text
    (result,) = read_summary(tmp_path, "P").results
    assert result.detail.endswith(
        "a platform off the loopback is judged on them, and fails unless reached over https."
    ), result.detail
    table = " ".join(
        line.strip(" └") for line in render_table(read_summary(tmp_path, "P"), width=80).splitlines()
    )
    assert "a platform off the loopback is judged on them, and fails unless reached over https." in table
