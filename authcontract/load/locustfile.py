"""The contract's Locust user, and the wiring that gathers its verdicts over all users and workers.

Run it as `authcontract load`, or `locust -f` this file (`python -c "import authcontract.load.locustfile
as f; print(f.__file__)"` prints its path), or import the module into a locustfile of your own and
subclass `ContractUser` (import the module, not the class, or Locust runs both).

A ContractUser does what a client of the platform does: it logs in with the configured credentials
(the suite's CONTRACT_* settings or profile; the bundled mock's demo user when none is set), uses
its token at once and then until it nears its announced expires_in, logs in again, and now and
then calls the protected path with no token, an unknown one or a malformed one. Each answer is
judged by judge.py, with the suite's checks; violations are Locust failures named by clause.

Token uniqueness is decided across every user of every worker: each process sends the
fingerprints of the tokens it was issued (hashes, never the tokens) to the master in Locust
messages, with its new violations; the master's TokenLedger finds the duplicates.
"""

from __future__ import annotations

import itertools
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, events, task
from locust.clients import LocustHttpAdapter
from locust.env import Environment
from locust.exception import StopUser
from locust.rpc import Message
from locust.runners import MasterRunner, WorkerRunner

# absolute imports: `locust -f` loads this file by its path, outside its package
from authcontract.load import judge
from authcontract.load.clauses import CLAUSES, info
from authcontract.load.report import build_summary, render_text
from authcontract.load.run_time import end_after_spawning
from authcontract.load.violations import EXIT_NO_VERDICT, TokenLedger, ViolationLog, fingerprint
from authcontract.load.web_guard import guard, same_target
from contract_tests.checks import carries_token, json_body
from contract_tests.client import authorization
from contract_tests.limits import LimitedAdapter, mount_limits
from contract_tests.login import Login, announced_lifetime
from contract_tests.plugin import MOCK_PASSWORD, MOCK_PROTECTED_PATH, MOCK_USERNAME
from contract_tests.probes import MALFORMED_TOKENS, unknown_like
from contract_tests.redaction import Redactor, Secret, redact
from contract_tests.settings import ConfigError, ContractSettings, load_settings
from contract_tests.transport import short_reason

__all__ = ["RUN", "ContractUser"]

REPORT = "authcontract-report"  # worker -> master: new violations and token fingerprints
FLUSH = "authcontract-flush"  # master -> workers: stop your users and send what is left
FINAL_WAIT = 15.0  # seconds the master waits for every worker's last report
LOCAL_BATCH = 500  # fingerprints a local run keeps before checking them
RENEW_AT = 0.8  # a token is renewed once this share of its announced lifetime is gone...
EXPIRY_MARGIN = 1.0  # ...and never used within this many seconds of its end
DETAIL_LIMIT = 1500
UNIQUENESS = "logins_give_distinct_tokens"
log = logging.getLogger("authcontract.load")


class _Run:
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
        if web is not None:
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


RUN = _Run()


@events.init_command_line_parser.add_listener
def _add_options(parser: Any, **_: Any) -> None:
    parser.add_argument(
        "--contract-summary",
        default="",
        include_in_web_ui=False,
        help="write the contract summary (JSON) here instead of printing it",
    )
    parser.add_argument(
        "--contract-run-time",
        type=float,
        default=0,
        include_in_web_ui=False,
        help="seconds the run lasts once every user is up (authcontract load's --run-time)",
    )


@events.init.add_listener
def _on_init(environment: Environment, **_: Any) -> None:
    RUN.start(environment)


class _LoginClient:
    """What Login.send needs of a ContractClient, on a Locust session: the login in Locust's statistics,
    under a name without secrets, and left open (catch_response) for the verdict."""

    def __init__(self, user: HttpUser, name: str, timeout: float, verify: bool | str) -> None:
        self._user = user
        self._name = name
        self._timeout = timeout
        self._verify = verify

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        params: Any = None,
        data: Any = None,
        json_body: Any = None,
    ) -> Any:
        return self._user.client.request(
            method,
            path,
            name=self._name,
            catch_response=True,
            headers=dict(headers or {}),
            params=params,
            data=data,
            json=json_body,
            timeout=self._timeout,
            verify=self._verify,
            allow_redirects=False,
        )


class _LimitedLocustAdapter(LimitedAdapter, LocustHttpAdapter):
    """Locust's adapter (its preloaded TLS context) keeping the suite's deadline and body cap: an
    answer past either is a failed request, its error naming the limit (contract_tests/limits.py)."""


class ContractUser(HttpUser):
    """A client of the platform whose every answer is judged against the contract."""

    wait_time = between(0.01, 0.1)

    def on_start(self) -> None:
        if not RUN.allows(self.host):
            host = ascii(self.host)[:200]
            log.error("authcontract load: refused to log in at %s: the target is %s", host, RUN.target)
            raise StopUser()
        settings = RUN.settings or load_settings()
        username = settings.username or Secret(MOCK_USERNAME)
        password = settings.password or Secret(MOCK_PASSWORD)
        self.login = Login(
            settings.token_path, settings.credentials_in, settings.token_params, username, password
        )
        self.protected_path = settings.protected_path or MOCK_PROTECTED_PATH
        self.timeout = settings.timeout
        self.verify = settings.verify  # per request: the client's session verify loses to REQUESTS_CA_BUNDLE
        self.login_client = _LoginClient(self, settings.token_path, settings.timeout, self.verify)
        mount_limits(self.client, _LimitedLocustAdapter(pool_manager=None))
        self.token: str | None = None
        self.sent_at = 0.0
        self.lifetime: float | None = None
        self.unknown: Secret | None = None
        self.refusals = itertools.cycle(("missing", "unknown", "malformed"))
        self.malformed = itertools.cycle(MALFORMED_TOKENS.items())
        self.log_in()

    # --- tasks ------------------------------------------------------------------------------------

    @task(1)
    def log_in(self) -> None:
        """Log in, and use the new token at once: it must open the path on whichever node is asked."""
        sent_at = time.monotonic()
        reply = self.login.send(self.login_client)  # type: ignore[arg-type]
        token, lifetime = None, None
        with reply:
            if reply.error is not None:
                outcome = judge.target_error(f"transport error: {short_reason(reply.error)}")
            else:
                outcome = judge.login(reply)
                body = json_body(reply)
                broken = {clause_id for clause_id, _ in outcome.violations}
                if carries_token(body) and "access_token_is_b64token" not in broken and reply.ok:
                    token, lifetime = body["access_token"], announced_lifetime(body)
            self._settle(reply, outcome, token)
        self.token, self.sent_at, self.lifetime = token, sent_at, lifetime
        if token is None:
            return
        RUN.issued(token)
        if self.unknown is None:
            self.unknown = unknown_like(Secret(token))  # one per user: a bounded set of registered secrets
        self._call(authorization(token), "fresh token", judge.accepted, token)

    @task(4)
    def use_token(self) -> None:
        """Call the protected path with the current token, or log in again when it nears its end."""
        if self.token is None or not self._young():
            self.log_in()
            return
        self._call(authorization(self.token), "token", judge.in_lifetime, self.token)

    @task(1)
    def refused(self) -> None:
        """No token, an unknown token or a malformed one, in turn: each must be refused with a challenge."""
        kind = next(self.refusals)
        if kind == "unknown" and self.unknown is not None:
            self._call(authorization(self.unknown), "unknown token", judge.unknown, self.token)
        elif kind == "malformed":
            name, value = next(self.malformed)
            self._call(f"Bearer {value}", "malformed token", lambda r: judge.malformed(r, name), self.token)
        else:
            self._call(None, "no token", judge.missing, self.token)

    # --- one exchange -----------------------------------------------------------------------------

    def _young(self) -> bool:
        """Whether the token is well within its announced lifetime; one without a lifetime is used once."""
        if self.lifetime is None:
            return False
        age = time.monotonic() - self.sent_at
        return age < min(self.lifetime * RENEW_AT, self.lifetime - EXPIRY_MARGIN)

    def _call(
        self, auth: str | None, label: str, judging: Callable[[Any], judge.Outcome], token: str | None
    ) -> None:
        headers = {"Authorization": auth} if auth is not None else {}
        with self.client.request(
            "GET",
            self.protected_path,
            name=f"{self.protected_path} ({label})",
            catch_response=True,
            headers=headers,
            timeout=self.timeout,
            verify=self.verify,
            allow_redirects=False,
        ) as reply:
            if reply.error is not None:
                outcome = judge.target_error(f"transport error: {short_reason(reply.error)}")
            else:
                outcome = judging(reply)
            self._settle(reply, outcome, token)

    def _settle(self, reply: Any, outcome: judge.Outcome, token: str | None) -> None:
        """Count the verdicts; mark the request in Locust's statistics: failed by clause, or target error."""
        at = time.time()
        if outcome.target_error is not None:
            RUN.log.target_error(outcome.target_error)
            reply.failure(f"target error: {outcome.target_error}")
            return
        for clause_id in outcome.checked:
            RUN.log.checked(clause_id)
        for clause_id, message in outcome.violations:
            detail = _masked(message, token) if RUN.log.wants_example(clause_id) else None
            RUN.log.violated(clause_id, at, detail)
        if outcome.violations:
            reply.failure(
                ", ".join(f"{clause_id} [{info(clause_id).tier}]" for clause_id, _ in outcome.violations)
            )
        else:
            reply.success()


def _masked(message: str, token: str | None) -> str:
    """The check's message (already redacted), masked again with the token of this exchange, which the
    process-wide redactor does not know: tokens under load are too many to register them all."""
    masking = Redactor()
    masking.register(token)
    text = masking.redact(redact(message))
    return text if len(text) <= DETAIL_LIMIT else text[:DETAIL_LIMIT] + "…"
