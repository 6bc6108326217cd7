"""`make bench-adoption`: what installing authcontract costs another project's pytest start.

Two clean venvs, one with pytest and requests (a project before), one with the plain wheel added
(after); the same small downstream suite is collected (`pytest --co`) in each, interleaved, and the
medians compared. The target: no more than 0.5 s slower with the plugin installed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tests.venvs import Venv, build_wheel

from .machine import describe

RESULTS = Path(__file__).parent / "results"
TARGET = 0.5  # seconds
DOWNSTREAM = "\n\n".join(f"def test_{n}():\n    assert {n} + 1 == {n + 1}" for n in range(20)) + "\n"


@dataclass(frozen=True)
class Adoption:
    machine: dict[str, Any]
    rounds: int
    before: float  # median seconds of `pytest --co` without authcontract
    after: float  # and with it
    packages_added: list[str]

    @property
    def slower_by(self) -> float:
        return self.after - self.before

    def markdown(self) -> str:
        verdict = "meets" if self.slower_by <= TARGET else "misses"
        machine, added = self.machine, self.packages_added
        return "\n".join(
            [
                "# Adoption: a downstream project's pytest start, with and without authcontract",
                "",
                f"Measured {machine['date']} on {machine['cores']} cores, code {machine['code']}; "
                f"{self.rounds} interleaved rounds of `pytest --co` over 20 tests.",
                "",
                "| venv | median |",
                "| --- | --- |",
                f"| pytest + requests | {self.before:.3f} s |",
                f"| + `pip install authcontract` | {self.after:.3f} s |",
                "",
                f"Slower by {self.slower_by:.3f} s: {verdict} the target of at most {TARGET} s.",
                "",
                f"The plain install added {len(added)} packages: {', '.join(added)}.",
                "",
            ]
        )


def collect_seconds(venv: Venv, project: Path) -> float:
    started = time.perf_counter()
    result = venv.run(venv.python, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", cwd=project)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"the downstream suite failed to collect:\n{result.stdout}{result.stderr}")
    return elapsed


def measure(rounds: int) -> Adoption:
    with tempfile.TemporaryDirectory(prefix="authcontract-adoption-") as work:
        root = Path(work)
        wheel = build_wheel(root / "wheel")
        before, after = Venv(root / "before"), Venv(root / "after")
        before.install("pytest", "requests")
        after.install("pytest", "requests", str(wheel))
        project = root / "downstream"
        project.mkdir()
        (project / "test_downstream.py").write_text(DOWNSTREAM)
        for venv in (before, after):  # the first runs write bytecode: not timed
            collect_seconds(venv, project)
        times: dict[str, list[float]] = {"before": [], "after": []}
        for _ in range(rounds):
            times["before"].append(collect_seconds(before, project))
            times["after"].append(collect_seconds(after, project))
        added = sorted(after.packages() - before.packages() - {"authcontract"})
    return Adoption(
        machine=describe(),
        rounds=rounds,
        before=statistics.median(times["before"]),
        after=statistics.median(times["after"]),
        packages_added=added,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    result = measure(parser.parse_args(argv).rounds)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "adoption.json").write_text(
        json.dumps({**asdict(result), "slower_by": result.slower_by}, indent=2)
    )
    (RESULTS / "adoption.md").write_text(result.markdown())
    sys.stdout.write(result.markdown())
    return 0 if result.slower_by <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
