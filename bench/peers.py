"""`make bench-peers`: the mock beside the mocks a user would otherwise pick, in one run.

axa's oauth2-mock-server (Node): its password grant, as token issuance; its /userinfo answers
whatever the Authorization header says, so it is shown only for information. WireMock (the
standalone jar from the npm package `wiremock`, under the machine's Java): a stub that matches
`Authorization: Bearer .+` on GET /me, which checks the header's shape and nothing more. Ours
checks the token's seal, its expiry, its revocation and its user. Both peers are installed
into bench/.peers/ by `make bench-peers`. Beside them: the ceiling, a WSGI app that only answers,
on the mock's granian settings (what any app can serve there); the bench's bare Flask app, for
information; a refused GET /me (an unknown token); and the mock with `--journal-size 0` beside
WireMock with `--no-request-journal`. Writes bench/results/peers.md and peers.json.

Every server is loaded until its throughput stops rising before the rounds (`measure.Settling`):
WireMock's JVM takes minutes to compile its hot code, and the ratios are against what a
user's long test run sees, not a cold JVM.

A run that starts with the machine busy (load average at or above its cores) says so under its
targets: other work starves single-threaded peers more than the mock, which flatters the ratios.

Usage: python -m bench.peers [--rounds 3] [--warmup 3] [--seconds 10] [--wait-quiet SECONDS]
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from . import report
from .client import DEMO_FORM, fetch_token, status_of
from .machine import busy_note, describe, load_average, tool_version, wait_for_quiet
from .measure import RoundRobin, Settled, Settling, Shape
from .peer_servers import axa_server, wiremock_server
from .results import Check, machine_table, markdown_table, write_results
from .servers import FORM, LOGGED, ROOT, bare_load, bare_server, mock_loads, mock_server, refused_me_load
from .wrk import Load

__all__ = ["TARGETS", "main"]

# (ours, theirs, at least this many times theirs): as `make run` serves (a log line per request) and
# quiet; beside the peers, beside the ceiling (a WSGI app that only answers, on the same server), a
# refusal beside an acceptance, and with no journal beside WireMock with none (issue 29)
TARGETS = {
    "token issuance, --quiet / axa": ("authorization", "axa_token", 5.0),
    "token issuance, as make run logs / axa": ("authorization" + LOGGED, "axa_token", 5.0),
    "validated GET /me, --quiet / WireMock": ("me", "wiremock_me", 1.0),
    "validated GET /me, as make run logs / WireMock": ("me" + LOGGED, "wiremock_me", 1.0),
    "validated GET /me, as make run logs / the bare WSGI ceiling": ("me" + LOGGED, "wsgi", 0.5),
    "validated GET /me, --quiet / the bare WSGI ceiling": ("me", "wsgi", 0.6),
    "refused GET /me / accepted GET /me, --quiet": ("me_refused", "me", 0.8),
    "GET /me, --journal-size 0 / WireMock, no journal": ("me_no_journal", "wiremock_no_journal", 1.0),
}
LABELS = {
    "authorization": "ours: POST /authorization (password checked, token sealed), --quiet",
    "authorization" + LOGGED: "ours: POST /authorization, a log line per request as `make run`",
    "axa_token": "axa oauth2-mock-server: POST /token, password grant (signed JWT)",
    "me": "ours: GET /me (token seal, expiry, revocation, user checked), --quiet",
    "me" + LOGGED: "ours: GET /me, a log line per request as `make run`",
    "wiremock_me": "WireMock: GET /me stub matching `Authorization: Bearer .+`",
    "axa_userinfo": "axa oauth2-mock-server: GET /userinfo (checks no token; information only)",
    "bare": "bare Flask app on the mock's granian settings: one route, a constant answer (information only)",
    "wsgi": "the ceiling: a WSGI app that only returns a small JSON body, on the mock's granian settings",
    "me_refused": "ours: GET /me, an unknown token: 401 with its challenge, --quiet",
    "me_no_journal": "ours: GET /me, --quiet --journal-size 0 (no journal)",
    "wiremock_no_journal": "WireMock --no-request-journal: the same GET /me stub",
}


# Seconds of load before a server may count as steady. WireMock alone under load, 10 s runs
# (2026-12-02): 1,145, 1,448, 1,588, 1,957, 2,070, then 2,053 to 2,383 up to 110 s, then 5,807,
# 6,938, 7,773 and 7,034 to 8,813 up to 200 s: its JVM's pause at 2,300 passed for steady in 40 s.
SETTLE_AT_LEAST_S = {"wiremock_me": 180, "wiremock_no_journal": 180}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--name", default="peers")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS")
    args = parser.parse_args(argv)
    shape = Shape(args.rounds, args.warmup, args.seconds)
    busy = busy_note(wait_for_quiet(args.wait_quiet))
    machine = {
        **describe(),
        "node": tool_version(["node", "--version"]),
        "java": tool_version(["java", "-version"]),
    }
    with tempfile.TemporaryDirectory(prefix="authcontract-peers-") as scratch:
        summaries, behaviour, settled = measure(Path(scratch), shape)
    machine["load average at end"] = load_average()
    loads = {name: summary.to_dict() for name, summary in summaries.items()}
    checks = [
        Check(title, summaries[ours].rps / summaries[theirs].rps, bound, at_least=True)
        for title, (ours, theirs, bound) in TARGETS.items()
    ]
    payload = {
        "machine": machine,
        "loads": loads,
        "behaviour": behaviour,
        "settling": {
            item.name: {"seconds": item.seconds, "steady": item.steady, "windows_rps": item.windows_rps}
            for item in settled
        },
        "targets": [check.to_dict() for check in checks],
        "busy_machine": busy is not None,
    }
    markdown = "\n\n".join(
        [
            "# `make bench-peers`: the mock beside the mocks a user would otherwise pick",
            report.shape_line(shape),
            report.load_table(loads, LABELS),
            markdown_table(["target", "measured", "target", "holds"], [check.row() for check in checks]),
            _ceiling(summaries),
            *([busy] if busy else []),
            _settling_table(settled),
            "What each answers without a valid token (checked before measuring):",
            markdown_table(["request", "status"], behaviour.items()),
            machine_table(machine),
        ]
    )
    path = write_results(args.name, payload, markdown)
    print(f"\n{markdown}\n\nwritten: {path.relative_to(ROOT)} and .json")
    return 0


def measure(scratch: Path, shape: Shape) -> tuple[dict[str, Any], dict[str, int], list[Settled]]:
    """The servers up together, each settled, measured round-robin, all stopped on any exit."""
    with ExitStack() as stack:
        mock = stack.enter_context(mock_server(scratch))
        logged = stack.enter_context(mock_server(scratch, quiet=False))
        unjournaled = stack.enter_context(mock_server(scratch, journal=False))
        axa = stack.enter_context(axa_server(scratch))
        wiremock = stack.enter_context(wiremock_server(scratch))
        wiremock_unjournaled = stack.enter_context(wiremock_server(scratch, journal=False))
        bare = stack.enter_context(bare_server(scratch))
        ceiling = stack.enter_context(bare_server(scratch, "wsgi"))
        token = fetch_token(f"{mock.url}/authorization")
        fetch_token(f"{axa.url}/token", {"grant_type": "password", **DEMO_FORM})
        authorization, me = mock_loads(mock.url, token)
        logged_loads = mock_loads(logged.url, fetch_token(f"{logged.url}/authorization"), LOGGED)
        bearer = {"BENCH_TOKEN": token}
        loads = [
            authorization,
            logged_loads[0],
            Load(
                "axa_token",
                f"{axa.url}/token",
                "form_post.lua",
                {"BENCH_FORM": f"grant_type=password&{FORM}"},
            ),
            me,
            logged_loads[1],
            Load("wiremock_me", f"{wiremock.url}/me", "bearer.lua", bearer),
            Load("axa_userinfo", f"{axa.url}/userinfo", "bearer.lua", bearer),
            bare_load(bare.url),
            bare_load(ceiling.url, "wsgi"),
            refused_me_load(mock.url, token),
            mock_loads(unjournaled.url, fetch_token(f"{unjournaled.url}/authorization"), "_no_journal")[1],
            Load("wiremock_no_journal", f"{wiremock_unjournaled.url}/me", "bearer.lua", bearer),
        ]
        nonsense = {"Authorization": "Bearer not-a-token"}
        behaviour = {
            "ours: GET /me, no Authorization": status_of(f"{mock.url}/me"),
            "ours: GET /me, Bearer not-a-token": status_of(f"{mock.url}/me", nonsense),
            "WireMock: GET /me, no Authorization": status_of(f"{wiremock.url}/me"),
            "WireMock: GET /me, Bearer not-a-token": status_of(f"{wiremock.url}/me", nonsense),
            "axa: GET /userinfo, no Authorization": status_of(f"{axa.url}/userinfo"),
            "axa: GET /userinfo, Bearer not-a-token": status_of(f"{axa.url}/userinfo", nonsense),
        }
        settled = [Settling(at_least_s=SETTLE_AT_LEAST_S.get(load.name, 30)).settle(load) for load in loads]
        summaries = RoundRobin(shape).run(loads)
    return summaries, behaviour, settled


def _ceiling(summaries: dict[str, Any]) -> str:
    """The yardsticks beside WireMock: what a route through Flask reaches, and what the server does."""
    bare, wsgi, wiremock = (summaries[name].rps for name in ("bare", "wsgi", "wiremock_me"))
    return (
        f"The bare Flask app, a constant answer on the same server settings, served {bare / wiremock:.2f} "
        f"times WireMock's requests/s, and the bare WSGI app (the ceiling) {wsgi / wiremock:.2f} times: "
        "the mock's data plane answers outside Flask's request cycle (`mockserver/http/pipeline.py`), "
        "so the ceiling, not the Flask app, is what it is held to."
    )


def _settling_table(settled: list[Settled]) -> str:
    rows = [
        [
            LABELS[item.name],
            f"{item.seconds} s",
            ", ".join(f"{rps:,.0f}" for rps in item.windows_rps[-6:]),
            "yes" if item.steady else "**no: still rising**",
        ]
        for item in settled
    ]
    header = ["load", "settled for", "last windows, requests/s", "steady"]
    return "Each server loaded before the rounds until its throughput stopped rising:\n\n" + markdown_table(
        header, rows
    )


if __name__ == "__main__":
    raise SystemExit(main())
