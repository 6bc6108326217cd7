"""What a load run gathers across all its users and workers: settings, verdicts and token fingerprints.

One `RUN` per Locust process. Each process records the verdicts of its users in a ViolationLog;
a worker sends what is new to the master in Locust messages, with the fingerprints of the tokens
it was issued (hashes, never the tokens); the master (or the single local process) merges them,
and its TokenLedger decides token uniqueness across every user of every worker. At the end the
master asks each worker for its last report, and writes the summary. Only locustfile.py imports
this module: it imports Locust, which monkey-patches the process with gevent.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import gevent
from locust.env import Environment
from locust.rpc import Message
from locust.runners import MasterRunner, WorkerRunner

# absolute imports: `locust -f` loads the locustfile by its path, outside its package
from authcontract.load.clauses import CLAUSES, info
from authcontract.load.report import build_summary, render_text
from authcontract.load.run_time import end_after_spawning
from authcontract.load.violations import EXIT_NO_VERDICT, TokenLedger, ViolationLog, fingerprint
from authcontract.load.web_guard import guard, same_target
from contract_tests.redaction import redact
from contract_tests.settings import ConfigError, ContractSettings, load_settings

__all__ = ["RUN", "Gathering"]

REPORT = "authcontract-report"  # worker -> master: new violations and token fingerprints
FLUSH = "authcontract-flush"  # master -> workers: stop your users and send what is left
FINAL_WAIT = 15.0  # seconds the master waits for every worker's last report
LOCAL_BATCH = 500  # fingerprints a local run keeps before checking them
UNIQUENESS = "logins_give_distinct_tokens"
log = logging.getLogger("authcontract.load")


class Gathering:
    """This process's share of the run: its settings, its records and, on the master, the whole."""

    def __init__(self) -> None:
        self.settings: ContractSettings | None = None
        self.log = ViolationLog()
        self.total = ViolationLog("master")
        self.ledger = TokenLedger()
        self.pending: list[tuple[str, float]] = []
        self.finals: set[str] = set()
        self.environment: Environment | None = None
        self.target: str | None = None  # where the users log in; fixed at start, whatever Locust's host says
        self.summary_path = ""

    # --- every process -------------------------------------------------------------------------

    def start(self, environment: Environment) -> None:
        self.environment = environment
        try:
            self.settings = load_settings()
        except ConfigError as error:
            log.error("authcontract load: %s", redact(str(error)))
            sys.exit(EXIT_NO_VERDICT)
        if self.settings.base_url and not environment.host:
            environment.host = self.settings.base_url
        self._pin(environment)
        for clause_id in CLAUSES:
            info(clause_id)  # read the suite's tests now, not in the first user's greenlet under load
        runner = environment.runner
        if isinstance(runner, WorkerRunner):
            self.log = ViolationLog(f"worker {runner.client_id}")
            runner.register_message(FLUSH, self._on_flush_request)
            environment.events.report_to_master.add_listener(lambda **_: self.flush(final=False))
            return
        if runner is None:
            return
        runner.register_message(REPORT, self._on_report)
        environment.events.quitting.add_listener(self._on_quitting)
        if isinstance(runner, MasterRunner):
            environment.events.test_stop.add_listener(self._collect_finals)
        else:
            environment.events.test_stop.add_listener(lambda **_: self.flush(final=True))

    def _pin(self, environment: Environment) -> None:
        """Fix what no later message can change: the target (CONTRACT_BASE_URL, else the host Locust
        started with), the summary's path; close the web UI to other sites; arm the run time."""
        self.target = (self.settings.base_url if self.settings else None) or environment.host or None
        if isinstance(environment.runner, WorkerRunner) and self.target is None:
            log.error("authcontract load: a worker needs CONTRACT_BASE_URL: its users log in nowhere else")
            sys.exit(EXIT_NO_VERDICT)
        options = environment.parsed_options
        self.summary_path = getattr(options, "contract_summary", "") if options is not None else ""
        web = environment.web_ui
        if web is not None and web.app is not None:
            guard(web.app, bound=web.host, port=web.port, tls=bool(web.tls_cert), target=self.target)
        seconds = getattr(options, "contract_run_time", 0) if options is not None else 0
        if seconds and not isinstance(environment.runner, WorkerRunner):
            end_after_spawning(environment, seconds)

    def allows(self, host: str | None) -> bool:
        """Whether a user may log in at `host`: only at the target, once one is set."""
        return self.target is None or same_target(host, self.target)

    def issued(self, token: str) -> None:
        self.pending.append((fingerprint(token), time.time()))
        runner = self.environment.runner if self.environment else None
        if len(self.pending) >= LOCAL_BATCH and runner is not None and not isinstance(runner, WorkerRunner):
            self.flush(final=False)

    def flush(self, *, final: bool) -> None:
        """Send this process's new records to the master (a local run: to itself, synchronously)."""
        if self.environment is None or self.environment.runner is None:
            return
        tokens, self.pending = self.pending, []
        data = {"delta": self.log.drain(), "tokens": tokens, "final": final}
        self.environment.runner.send_message(REPORT, data)

    # --- workers --------------------------------------------------------------------------------

    def _on_flush_request(self, environment: Environment, msg: Message, **_: Any) -> None:
        """The master is ending the test: stop the users first, so no verdict comes after the last report."""
        if environment.runner is not None:
            environment.runner.stop()
        self.flush(final=True)

    # --- the master, or the local process ------------------------------------------------------

    def _on_report(self, environment: Environment, msg: Message, **_: Any) -> None:
        origin = "local" if msg.node_id == "local" else f"worker {msg.node_id}"
        self.total.merge(msg.data["delta"])
        for token_fingerprint, at in msg.data["tokens"]:
            self.total.checked(UNIQUENESS)
            duplicate = self.ledger.add(token_fingerprint, origin, at)
            if duplicate is not None:
                self.total.violated(UNIQUENESS, at, duplicate.describe())
        if msg.data["final"]:
            self.finals.add(msg.node_id)

    def _collect_finals(self, environment: Environment, **_: Any) -> None:
        """Ask every worker for its last report and wait for them (the master's receiver runs meanwhile)."""
        runner = environment.runner
        if not isinstance(runner, MasterRunner):
            return
        expected = {worker.id for worker in runner.clients.all}
        self.finals -= expected
        runner.send_message(FLUSH)
        deadline = time.monotonic() + FINAL_WAIT
        while not expected <= self.finals and time.monotonic() < deadline:
            gevent.sleep(0.05)
        if not expected <= self.finals:
            log.warning("authcontract load: %d workers sent no last report", len(expected - self.finals))

    def _on_quitting(self, environment: Environment, **_: Any) -> None:
        if environment.runner is not None and not isinstance(environment.runner, MasterRunner):
            self.flush(final=True)
        summary = self.summary(environment)
        environment.process_exit_code = summary["exit_code"]
        if self.summary_path:
            Path(self.summary_path).write_text(json.dumps(summary, indent=1), encoding="utf-8")
        else:
            print(redact(render_text(summary)), flush=True)  # `locust -f` users read it here

    def summary(self, environment: Environment) -> dict[str, Any]:
        stats = environment.runner.stats if environment.runner is not None else environment.stats
        total = stats.total
        ended = total.last_request_timestamp or time.time()
        requests = {
            "count": total.num_requests,
            "failures": total.num_failures,
            "rps": total.total_rps,
            "duration_s": max(0.0, ended - total.start_time),
            "avg_ms": total.avg_response_time,
            **{f"p{int(p * 100)}_ms": total.get_response_time_percentile(p) for p in (0.5, 0.95, 0.99)},
            "max_ms": total.max_response_time,
        }
        endpoints = [
            {
                "method": entry.method,
                "name": entry.name,
                "count": entry.num_requests,
                "failures": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
            }
            for entry in sorted(stats.entries.values(), key=lambda entry: (entry.name, entry.method))
        ]
        return build_summary(
            target=environment.host or "",
            clauses=self.total.clauses(),
            target_errors=self.total.target_errors(),
            ledger=self.ledger,
            traffic=requests,
            endpoints=endpoints,
        )


RUN = Gathering()
