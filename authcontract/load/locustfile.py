"""The contract's Locust user, and the wiring that gathers its verdicts over all users and workers.

Run it as `authcontract load`, or `locust -f` this file (`python -c "import authcontract.load.locustfile
as f; print(f.__file__)"` prints its path), or import the module into a locustfile of your own and
subclass `ContractUser` (import the module, not the class, or Locust runs both).

A ContractUser does what a client of the platform does: it logs in with the configured credentials
(the suite's CONTRACT_* settings or profile; the bundled mock's demo user when none is set), uses
its token at once and then until it nears its announced expires_in, logs in again, and now and
then calls the protected path with no token, an unknown one or a malformed one. Each answer is
judged by judge.py, with the suite's checks; violations are Locust failures named by clause.

Token uniqueness is decided across every user of every worker (gathering.py): each process sends
the fingerprints of the tokens it was issued (hashes, never the tokens) to the master in Locust
messages, with its new violations; the master's TokenLedger finds the duplicates.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from locust import HttpUser, between, events, task
from locust.clients import LocustHttpAdapter
from locust.env import Environment
from locust.exception import StopUser

# absolute imports: `locust -f` loads this file by its path, outside its package
from authcontract.load import judge
from authcontract.load.clauses import info
from authcontract.load.gathering import RUN
from contract_tests.checks import carries_token, json_body
from contract_tests.client import authorization
from contract_tests.demo import MOCK_PROTECTED_PATH, demo_user
from contract_tests.limits import LimitedAdapter, mount_limits
from contract_tests.login import Login, announced_lifetime
from contract_tests.probes import MALFORMED_TOKENS, unknown_like
from contract_tests.redaction import Redactor, Secret, redact
from contract_tests.settings import load_settings
from contract_tests.transport import short_reason

__all__ = ["RUN", "ContractUser"]

RENEW_AT = 0.8  # a token is renewed once this share of its announced lifetime is gone...
EXPIRY_MARGIN = 1.0  # ...and never used within this many seconds of its end
DETAIL_LIMIT = 1500
log = logging.getLogger("authcontract.load")


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
        headers: Mapping[str, str] | None = None,
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
        username, password = settings.username, settings.password
        if username is None or password is None:  # the bundled mock: its demo user
            username, password = demo_user()
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
        reply = self.login.send(self.login_client)
        token, lifetime = None, None
        with reply:
            error = getattr(reply, "error", None)  # Locust's response records a transport error here
            if error is not None:
                outcome = judge.target_error(f"transport error: {short_reason(error)}")
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
