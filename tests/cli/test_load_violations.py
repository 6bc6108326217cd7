"""The load run's model, in-process and without Locust: verdicts per answer, violations by clause, tokens.

Nothing here imports Locust (it would monkey-patch this process with gevent); the Locust runs
themselves are in tests/cli/test_load_command.py, in subprocesses.
"""

from __future__ import annotations

import json
import subprocess
import sys
from http import HTTPStatus
from typing import Any
from xml.etree import ElementTree

import pytest
import requests

from authcontract.cli import main as authcontract_main
from authcontract.load import judge
from authcontract.load.clauses import CLAUSES, info
from authcontract.load.report import build_summary, junit_xml, render_text
from authcontract.load.violations import EXAMPLES_PER_CLAUSE, TokenLedger, ViolationLog, fingerprint
from contract_tests.redaction import Redactor

TOKEN = "tok-" + "A1b2C3d4" * 6
GOOD_LOGIN = {"token_type": "Bearer", "access_token": TOKEN, "expires_in": 3600}
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="x", error="invalid_token"'}


def answer(
    status: int,
    body: Any = None,
    headers: dict[str, str] | None = None,
    *,
    method: str = "GET",
    path: str = "/me",
    auth: str | None = None,
) -> requests.Response:
    """A requests.Response as the load user receives it, without a server."""
    response = requests.Response()
    response.status_code = status
    response.reason = HTTPStatus(status).phrase
    response._content = b"" if body is None else json.dumps(body).encode()
    response.headers.update({"Content-Type": "application/json", **(headers or {})})
    url = f"http://127.0.0.1:9/{path.lstrip('/')}"
    response.request = requests.Request(
        method, url, headers={"Authorization": auth} if auth else {}
    ).prepare()
    response.url = url
    return response


def login(status: int = 200, body: Any = None, headers: dict[str, str] | None = None) -> requests.Response:
    body = GOOD_LOGIN if body is None else body
    return answer(
        status, body, NO_STORE if headers is None else headers, method="POST", path="/authorization"
    )


def broken(outcome: judge.Outcome) -> list[str]:
    return [clause_id for clause_id, _ in outcome.violations]


# --- the clauses: the suite's, at the suite's tier -------------------------------------------------


def test_every_clause_is_a_suite_test_at_its_tier() -> None:
    tiers = {
        "contract": {
            "login_answers_json_token",
            "token_type_is_bearer",
            "access_token_is_b64token",
            "expires_in_is_positive_integer",
            "logins_give_distinct_tokens",
            "fresh_token_is_accepted",
            "token_lives_its_announced_lifetime",
            "missing_authorization_is_refused",
            "unknown_token_is_refused",
            "malformed_token_is_refused",
        },
        "rfc": {
            "token_response_is_not_stored",
            "every_refusal_has_a_bearer_challenge",
        },
        "advisory": {"token_response_has_pragma_no_cache", "unknown_token_gets_invalid_token"},
    }
    assert set(CLAUSES) == set().union(*tiers.values())
    for tier, clause_ids in tiers.items():
        for clause_id in clause_ids:
            about = info(clause_id)
            assert about.tier == tier, clause_id
            assert about.name, clause_id
            assert about.source, clause_id


# --- one answer, judged ------------------------------------------------------------------------------


def test_a_good_login_keeps_every_login_clause() -> None:
    outcome = judge.login(login())
    assert outcome.violations == ()
    assert outcome.target_error is None
    assert set(outcome.checked) == {
        "login_answers_json_token",
        "token_type_is_bearer",
        "access_token_is_b64token",
        "expires_in_is_positive_integer",
        "token_response_is_not_stored",
        "token_response_has_pragma_no_cache",
    }


def test_a_login_without_expires_in_breaks_the_token_response_clause_once() -> None:
    body = {key: value for key, value in GOOD_LOGIN.items() if key != "expires_in"}
    outcome = judge.login(login(body=body))
    assert broken(outcome) == ["login_answers_json_token"]
    message = outcome.violations[0][1]
    assert "expires_in" in message
    assert TOKEN not in message


def test_a_login_without_no_store_breaks_the_rfc_clause() -> None:
    outcome = judge.login(login(headers={"Pragma": "no-cache"}))
    assert broken(outcome) == ["token_response_is_not_stored"]
    assert info("token_response_is_not_stored").tier == "rfc"


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_an_unavailable_answer_is_a_target_error_judged_by_no_clause(status: int) -> None:
    for outcome in (judge.login(login(status, {"error": "busy"})), judge.unknown(answer(status, {}))):
        assert outcome.target_error == f"{status} {HTTPStatus(status).phrase}"
        assert outcome.checked == ()
        assert outcome.violations == ()


def test_another_5xx_is_a_verdict() -> None:
    assert broken(judge.login(login(500, {"error": "boom"}))) == ["login_answers_json_token"]
    assert broken(judge.accepted(answer(500, {}))) == ["fresh_token_is_accepted"]


def test_a_refusal_without_a_challenge_breaks_the_challenge_clause_only() -> None:
    outcome = judge.unknown(answer(401, {"error": "invalid_token"}, auth="Bearer " + TOKEN))
    assert broken(outcome) == ["every_refusal_has_a_bearer_challenge", "unknown_token_gets_invalid_token"]
    assert "unknown_token_is_refused" in outcome.checked
    assert judge.unknown(answer(401, {}, CHALLENGE)).violations == ()


def test_an_accepted_missing_token_breaks_the_refusal_clause() -> None:
    assert broken(judge.missing(answer(200, {"user": "demo"}))) == ["missing_authorization_is_refused"]
    assert broken(judge.malformed(answer(500, {}), "inner space")) == ["malformed_token_is_refused"]
    assert judge.malformed(answer(400, {}, CHALLENGE), "inner space").violations == ()
    # any refusal, whatever its status, owes the Bearer challenge (RFC 6750 §3 MUST)
    bare = judge.malformed(answer(403, {}), "inner space")
    assert broken(bare) == ["every_refusal_has_a_bearer_challenge"]


def test_a_fresh_token_refused_is_replication_lag() -> None:
    outcome = judge.accepted(answer(401, {}, CHALLENGE, auth="Bearer " + TOKEN))
    assert broken(outcome) == ["fresh_token_is_accepted"]
    assert broken(judge.in_lifetime(answer(403, {}, CHALLENGE))) == ["token_lives_its_announced_lifetime"]


# --- violations as data -----------------------------------------------------------------------------


def test_worker_logs_drained_and_merged_give_the_totals_with_the_earliest_examples() -> None:
    master = ViolationLog("master")
    workers = [ViolationLog("worker a"), ViolationLog("worker b")]
    for round_number in range(3):
        for index, worker in enumerate(workers):
            for step in range(4):
                at = 1000.0 + round_number * 10 + index + step / 10
                worker.checked("fresh_token_is_accepted")
                worker.violated("fresh_token_is_accepted", at, f"example at {at}")
                worker.checked("login_answers_json_token")
            worker.target_error("503 Service Unavailable")
            master.merge(json.loads(json.dumps(worker.drain())))  # as plain data, like a Locust message
    clauses = master.clauses()
    assert clauses["fresh_token_is_accepted"]["checked"] == 24
    assert clauses["fresh_token_is_accepted"]["violations"] == 24
    assert clauses["login_answers_json_token"] == {
        "checked": 24,
        "violations": 0,
        "first_at": None,
        "last_at": None,
        "examples": [],
    }
    examples = clauses["fresh_token_is_accepted"]["examples"]
    assert len(examples) == EXAMPLES_PER_CLAUSE
    assert [example["at"] for example in examples] == [1000.0, 1000.1, 1000.2]
    assert {example["origin"] for example in examples} == {"worker a"}
    assert clauses["fresh_token_is_accepted"]["first_at"] == 1000.0
    assert clauses["fresh_token_is_accepted"]["last_at"] == pytest.approx(1021.3)
    assert master.target_errors() == {"503 Service Unavailable": 6}
    assert workers[0].drain() == {"clauses": {}, "target_errors": {}}


def test_a_process_keeps_few_examples_and_says_when_it_wants_none() -> None:
    log = ViolationLog()
    for n in range(10):
        log.checked("fresh_token_is_accepted")
        log.violated("fresh_token_is_accepted", float(n), f"example {n}" if log.wants_example("x") else None)
    assert len(log.clauses()["fresh_token_is_accepted"]["examples"]) == EXAMPLES_PER_CLAUSE
    assert not log.wants_example("fresh_token_is_accepted")
    assert log.clauses()["fresh_token_is_accepted"]["violations"] == 10


def test_the_ledger_finds_a_token_issued_on_two_workers_and_shows_no_token() -> None:
    ledger = TokenLedger()
    other = "tok-" + "Z9y8X7w6" * 6
    assert ledger.add_all([(fingerprint(TOKEN), 1.0), (fingerprint(other), 2.0)], "worker a") == []
    [duplicate] = ledger.add_all([(fingerprint(TOKEN), 3.0)], "worker b")
    assert (ledger.issued, ledger.distinct) == (3, 2)
    assert [origin for origin, _ in duplicate.issues] == ["worker a", "worker b"]
    text = duplicate.describe()
    assert "across 2 Locust processes" in text
    assert TOKEN not in text
    assert TOKEN[4:20] not in fingerprint(TOKEN)
    assert fingerprint(TOKEN) == fingerprint(TOKEN) != fingerprint(other)


# --- the summary, the terminal, the JUnit file ---------------------------------------------------------


def _summary(clauses: dict[str, Any], target_errors: dict[str, int] | None = None) -> dict[str, Any]:
    requests_seen = {"count": 100, "rps": 50.0, "duration_s": 2.0, "p50_ms": 4, "p95_ms": 9, "p99_ms": 12}
    return build_summary(
        target="http://127.0.0.1:9",
        clauses=clauses,
        target_errors=target_errors or {},
        ledger=TokenLedger(),
        traffic=requests_seen,
        endpoints=[],
    )


def _tally(checked: int, violations: int = 0, detail: str = "") -> dict[str, Any]:
    examples = [{"at": 5.0, "origin": "local", "detail": detail}] if violations else []
    at = 5.0 if violations else None
    return {"checked": checked, "violations": violations, "first_at": at, "last_at": at, "examples": examples}


def test_the_verdict_counts_contract_and_rfc_not_advisory_and_needs_a_judged_answer() -> None:
    assert _summary({"login_answers_json_token": _tally(10)})["exit_code"] == 0
    advisory_only = _summary(
        {"login_answers_json_token": _tally(10), "unknown_token_gets_invalid_token": _tally(3, 3)}
    )
    assert (advisory_only["verdict"], advisory_only["exit_code"]) == ("kept", 0)
    assert _summary({"token_response_is_not_stored": _tally(10, 1)})["exit_code"] == 1
    assert _summary({"login_answers_json_token": _tally(10, 1)})["exit_code"] == 1
    nothing = _summary({}, {"503 Service Unavailable": 40})
    assert (nothing["verdict"], nothing["exit_code"]) == ("no verdict", 2)


def test_no_verdict_says_whether_answers_were_target_errors_or_none_came_back() -> None:
    errors_only = render_text(_summary({}, {"503 Service Unavailable": 40}))
    assert errors_only.endswith("NO VERDICT: no answer could be judged (every exchange was a target error)")
    silent = render_text(_summary({}))
    assert silent.endswith(
        "NO VERDICT: no answer came back within the run time (a longer --run-time, fewer users?)"
    )


def test_the_terminal_shows_throughput_latency_and_every_clause() -> None:
    text = render_text(_summary({"login_answers_json_token": _tally(10)}, {"503 Service Unavailable": 2}))
    assert "50.0 requests/s" in text
    assert "p50 4, p95 9, p99 12" in text
    assert "target errors (no verdict, not violations): 2 (503 Service Unavailable: 2)" in text
    for clause_id in CLAUSES:
        assert clause_id in text
    assert text.endswith("0 violations: KEPT under load")


def test_the_junit_file_has_a_test_per_clause_and_no_secret() -> None:
    password = "pw-" + "Secret0" * 3
    masking = Redactor()
    masking.register(password)
    summary = _summary(
        {
            "login_answers_json_token": _tally(10),
            "token_response_is_not_stored": _tally(10, 2, f"sent password={password}"),
            "unknown_token_gets_invalid_token": _tally(4, 1, "advisory"),
        }
    )
    xml = junit_xml(summary, masking.redact).decode()
    assert password not in xml
    suite = ElementTree.fromstring(xml)  # noqa: S314 - written by the line above
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == set(CLAUSES)
    assert cases["token_response_is_not_stored"].find("failure") is not None
    assert cases["login_answers_json_token"].find("failure") is None
    assert cases["unknown_token_gets_invalid_token"].find("failure") is None
    assert (
        cases["unknown_token_gets_invalid_token"].find("properties/property").get("name")
        == "advisory_failure"
    )
    assert cases["malformed_token_is_refused"].find("skipped") is not None
    assert suite.get("failures") == "1"


# --- the command, without Locust ----------------------------------------------------------------------


def test_load_without_locust_names_the_load_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "locust", None)
    assert authcontract_main(["load", "--run-time", "1s"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("authcontract load: ")
    assert "pip install 'authcontract[load]'" in lines[0]


@pytest.mark.processes
def test_the_command_and_the_model_import_no_gevent() -> None:
    """Only the locustfile imports Locust; what the CLI, the suite and these tests load stays unpatched."""
    modules = "authcontract.cli, authcontract.load.command, authcontract.load.judge, authcontract.load.report"
    code = f"import sys, {modules}; print('gevent' in sys.modules, 'locust' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["False", "False"]
