"""`make bench-adoption`: what installing authcontract costs another project's pytest start.

Two clean venvs, one with pytest and requests (a project before), one with the plain wheel added
(after); the same small downstream suite is collected (`pytest --co`) in each, interleaved, and the
medians compared, also under `python -B` (PYTHONDONTWRITEBYTECODE: pytest rewrites every plugin's
modules at each start). The target: no more than 0.5 s slower with the plugin installed. It also
lists the pytest plugins (entry points of group pytest11) the install registers: authcontract's only.
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
OWN_PLUGIN = "authcontract=mockserver.pytest_plugin"  # the one pytest plugin a plain install may add
PYTEST11 = (
    "from importlib.metadata import entry_points\n"
    "print('\\n'.join(sorted(f'{p.name}={p.value}' for p in entry_points(group='pytest11'))))"
)
DOWNSTREAM = "\n\n".join(f"def test_{n}():\n    assert {n} + 1 == {n + 1}" for n in range(20)) + "\n"


@dataclass(frozen=True)
class Adoption:
    machine: dict[str, Any]
    rounds: int
    before: float  # median seconds of `pytest --co` without authcontract
    after: float  # and with it
    before_no_bytecode: float  # the same under `python -B`
    after_no_bytecode: float
    packages_added: list[str]
    plugins_added: list[str]  # pytest11 entry points the install registers, as name=module

    @property
    def slower_by(self) -> float:
        return self.after - self.before

    @property
    def slower_by_no_bytecode(self) -> float:
        return self.after_no_bytecode - self.before_no_bytecode

    def markdown(self) -> str:
        verdict = "meets" if self.slower_by <= TARGET else "misses"
        machine, added, plugins = self.machine, self.packages_added, self.plugins_added
        return "\n".join(
            [
                "# Adoption: a downstream project's pytest start, with and without authcontract",
                "",
                f"Measured {machine['date']} on {machine['cores']} cores, code {machine['code']}; "
                f"{self.rounds} interleaved rounds of `pytest --co` over 20 tests.",
                "",
                "| venv | median | median under `python -B` |",
                "| --- | --- | --- |",
                f"| pytest + requests | {self.before:.3f} s | {self.before_no_bytecode:.3f} s |",
                f"| + `pip install authcontract` | {self.after:.3f} s | {self.after_no_bytecode:.3f} s |",
                "",
                f"Slower by {self.slower_by:.3f} s: {verdict} the target of at most {TARGET} s "
                f"(by {self.slower_by_no_bytecode:.3f} s under `python -B`).",
                "",
                f"The plain install added {len(added)} packages: {', '.join(added)}.",
                "",
                f"It registers {len(plugins)} pytest plugin(s): {', '.join(plugins) or 'none'}.",
                "",
            ]
        )


def collect_seconds(venv: Venv, project: Path, *python_flags: str) -> float:
    started = time.perf_counter()
    pytest = ("-m", "pytest", "--co", "-q", "-p", "no:cacheprovider")
    result = venv.run(venv.python, *python_flags, *pytest, cwd=project)
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
        times: dict[str, list[float]] = {name: [] for name in ("before", "after", "before-B", "after-B")}
        for _ in range(rounds):
            times["before"].append(collect_seconds(before, project))
            times["after"].append(collect_seconds(after, project))
            times["before-B"].append(collect_seconds(before, project, "-B"))
            times["after-B"].append(collect_seconds(after, project, "-B"))
        added = sorted(after.packages() - before.packages() - {"authcontract"})
        plugins = sorted(set(_plugins(after)) - set(_plugins(before)))
    return Adoption(
        machine=describe(),
        rounds=rounds,
        before=statistics.median(times["before"]),
        after=statistics.median(times["after"]),
        before_no_bytecode=statistics.median(times["before-B"]),
        after_no_bytecode=statistics.median(times["after-B"]),
        packages_added=added,
        plugins_added=plugins,
    )


def _plugins(venv: Venv) -> list[str]:
    """The venv's pytest11 entry points (every one loads at each pytest start), as name=module."""
    result = venv.run(venv.python, "-c", PYTEST11)
    if result.returncode != 0:
        raise SystemExit(f"cannot list the venv's pytest plugins:\n{result.stderr}")
    return result.stdout.split()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    result = measure(parser.parse_args(argv).rounds)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "adoption.json").write_text(
        json.dumps(
            {
                **asdict(result),
                "slower_by": result.slower_by,
                "slower_by_no_bytecode": result.slower_by_no_bytecode,
            },
            indent=2,
        )
    )
    (RESULTS / "adoption.md").write_text(result.markdown())
    sys.stdout.write(result.markdown())
    only_ours = result.plugins_added == [OWN_PLUGIN]
    return 0 if result.slower_by <= TARGET and only_ours else 1


if __name__ == "__main__":
    sys.exit(main())
