"""The bench's results as a payload (JSON) and a Markdown page: figures, targets, machine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .hotpath import Profile
from .measure import Shape
from .results import Check, machine_table, markdown_table
from .suite_time import TARGET_SECONDS
from .wrk import CONNECTIONS, THREADS

__all__ = ["bench", "cpu_line", "load_table", "profiles", "shape_line"]

MEMORY_TARGET_MIB = 50.0
SERVER = (
    "python -m mockserver --quiet (granian, WSGI, a worker per core); bare app: the same Granian arguments"
)
LABELS = {
    "authorization": "(a) POST /authorization (mock)",
    "me": "(b) GET /me, valid token (mock)",
    "bare": "(c) GET /hello, bare Flask app",
}
# shown beside them, with no ratio of their own to the bare Flask app
YARDSTICKS = {
    "me_refused": "GET /me, an unknown token: 401 with its challenge (mock)",
    "wsgi": "the ceiling: GET /hello, a WSGI app that only answers, same server",
}
# the same loads on a mock that logs a line per request, as `make run` serves it (no target: shown)
AS_MAKE_RUN = {
    "authorization_logged": "(a') POST /authorization, a log line per request as `make run`",
    "me_logged": "(b') GET /me, a log line per request as `make run`",
}


def bench(
    machine: Mapping[str, Any], shape: Shape, measured: Mapping[str, Any], ratio_targets: Mapping[str, float]
) -> tuple[dict[str, Any], str]:
    ratios, memory, suite = measured["ratios"], measured["memory"], measured["suite"]
    checks = [
        Check(f"{LABELS[name][:3]} / (c)", ratios[name], bound, at_least=True)
        for name, bound in ratio_targets.items()
    ]
    checks += [
        Check(title, figures["value"], figures["at_least"], at_least=True)
        for title, figures in measured.get("ceiling", {}).items()
    ]
    checks += [
        Check(
            "contract suite, median wall time", suite["median_s"], TARGET_SECONDS, at_least=False, unit=" s"
        ),
        Check(
            "memory growth over the tokens",
            memory["growth_mib"],
            MEMORY_TARGET_MIB,
            at_least=False,
            unit=" MiB",
        ),
    ]
    payload = {
        "machine": dict(machine),
        "shape": _shape_dict(shape),
        "server": SERVER,
        **{key: value for key, value in measured.items() if key != "ratios"},
        "ratios": {f"{name}_to_bare": round(value, 3) for name, value in ratios.items()},
        "targets": [check.to_dict() for check in checks],
    }
    before = sum(memory["workers_rss_mib_before"].values())
    after = sum(memory["workers_rss_mib_after"].values())
    lines = [
        "# `make bench`: the mock beside a bare Flask endpoint",
        "",
        shape_line(shape),
        "",
        load_table(measured["loads"], {**LABELS, **YARDSTICKS, **AS_MAKE_RUN}),
        "",
        markdown_table(["target", "measured", "target", "holds"], [check.row() for check in checks]),
        "",
        f"Memory: worker processes' RSS {before:.1f} MiB before and {after:.1f} MiB after "
        f"{memory['tokens_issued']:,} tokens issued over HTTP (growth {memory['growth_mib']:+.1f} MiB). "
        f"The private file store's directory held {memory['store_dir_mib_after']} MiB afterwards "
        "(each worker's journal file, trimmed to its newest entries).",
        "",
        f"Contract suite against the bundled mock: runs {', '.join(f'{s:.2f}' for s in suite['runs_s'])} s, "
        "with Python's bytecode cache, as on a developer's machine or a CI runner; the first run, which "
        "writes it when missing (pytest's rewritten schemathesis and faker too), took "
        f"{suite['first_run_s']:.2f} s.",
        "",
        cpu_line(measured["cpu_us_per_request"]),
        "",
        *instructions_table(measured.get("instructions")),
        machine_table(machine),
    ]
    return payload, "\n".join(lines)


CPU_TARGETS_US = {"authorization": 95.0, "me": 60.0}  # issue 16's targets, in the callgrind count


def instructions_table(counted: Mapping[str, Mapping[str, float]] | None) -> list[str]:
    """The figure the targets are held to: instructions per request under callgrind, which load does
    not move (bench/instructions.py), at the scale bare Flask = 42 µs."""
    if not counted:
        return ["CPU per request under callgrind: not measured (valgrind is not installed).", ""]
    lines = [
        "CPU per request counted under callgrind (bench/instructions.py; 370,416 instructions = 42 µs):",
        "",
        "| request | instructions | µs | target | met |",
        "|---|---:|---:|---:|---|",
    ]
    for name, figures in counted.items():
        target = CPU_TARGETS_US.get(name)
        met = "" if target is None else ("yes" if figures["us"] <= target else "no")
        shown = f"{target:.0f} µs" if target is not None else ""
        lines.append(f"| {name} | {figures['instructions']:,.0f} | {figures['us']:.1f} | {shown} | {met} |")
    return [*lines, ""]


def cpu_line(costs: Mapping[str, float]) -> str:
    """The steady figure: Python's CPU per request, the WSGI app called in one process (bench/hotpath.py)."""
    listed = ", ".join(f"{LABELS[name][:3]} {costs[name]:.1f} µs" for name in LABELS)
    return (
        f"CPU per request in one process, no server, no load generator (bench/hotpath.py): {listed}; "
        f"(c)/(a) {costs['bare'] / costs['authorization']:.2f}, (c)/(b) {costs['bare'] / costs['me']:.2f}. "
        "Other work on a shared machine inflates these; the callgrind count below it does not move."
    )


def shape_line(shape: Shape) -> str:
    return (
        f"wrk, {CONNECTIONS} connections on {THREADS} threads, sharing the machine with the servers; "
        f"{shape.rounds} rounds, each load {shape.measure_s} s after a {shape.warmup_s} s warm-up, "
        "loads in turn within a round, each round starting one load further on; medians of the rounds. "
        "Every answer checked below 400 (a refused load's: 400 or more)."
    )


def load_table(loads: Mapping[str, Mapping[str, Any]], labels: Mapping[str, str]) -> str:
    rows = [
        [
            labels.get(name, name),
            f"{load['rps_median']:,.0f}",
            f"{load['p99_ms_median']:.1f}",
            f"{load['p50_ms_median']:.1f}",
            ", ".join(f"{value:,.0f}" for value in load["rps_runs"]),
        ]
        for name, load in loads.items()
    ]
    return markdown_table(["load", "requests/s (median)", "p99 ms", "p50 ms", "runs, requests/s"], rows)


def profiles(machine: Mapping[str, Any], measured: Mapping[str, Profile]) -> str:
    sections = [
        "# Where the mock's time goes per request (pyinstrument)",
        "",
        "Written by `make bench` when a ratio misses its target (bench/hotpath.py): the WSGI app that a",
        "granian worker calls, called in a loop in one process, with a file store as the workers use.",
        "granian's Rust side (sockets, HTTP parsing) and wrk are not in these figures; under load they",
        "add about the same time to every endpoint, so what differs from the bare app is here.",
        "",
    ]
    sections += [profile.markdown(LABELS.get(name, name)) for name, profile in measured.items()]
    sections += [machine_table(machine)]
    return "\n".join(sections) + "\n"


def _shape_dict(shape: Shape) -> dict[str, int]:
    return {
        "connections": CONNECTIONS,
        "wrk_threads": THREADS,
        "rounds": shape.rounds,
        "warmup_s": shape.warmup_s,
        "measure_s": shape.measure_s,
    }
