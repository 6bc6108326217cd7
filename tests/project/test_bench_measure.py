"""The bench's ruler: a server is measured once its throughput stops rising, and no load always
follows the same other. Driven by recorded figures, not by servers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bench.measure import RoundRobin, Settling, Shape
from bench.wrk import Load, WrkRun

# WireMock's /me on 2 cores, successive 10 s runs (2026-12-02): a JVM compiling its hot code
WARMING_JVM = [1762, 3249, 4683, 7130, 6910, 7956, 8511, 8773, 7764, 8017, 8091, 6548]
NOISY_FLAT = [6119, 6688, 5814, 6493, 5651, 7528, 5966, 5531, 5644, 4813, 6575]  # the mock beside it


def _windows(series: list[float]) -> Callable[[Load, int], WrkRun]:
    """wrk runs that measure the recorded figures in turn."""
    figures = iter(series)

    def run(load: Load, seconds: int) -> WrkRun:
        return WrkRun(int(next(figures) * seconds), float(seconds), 0, 0, 1.0, 2.0)

    return run


def _quiet(line: str) -> None:
    return None


def test_a_warming_server_is_loaded_until_it_stops_rising() -> None:
    settling = Settling(window_s=10, at_least_s=30, at_most_s=200)
    settled = settling.settle(Load("wiremock", "u", "s"), _windows(WARMING_JVM), _quiet)
    assert settled.steady
    assert min(settled.windows_rps[-3:]) >= 7000  # not measured while it was still compiling
    assert settled.seconds >= 80


def test_a_flat_noisy_server_settles_after_the_minimum() -> None:
    settled = Settling(window_s=5, at_least_s=30).settle(Load("mock", "u", "s"), _windows(NOISY_FLAT), _quiet)
    assert settled.steady
    assert 30 <= settled.seconds <= 40  # a window or so past the minimum: its noise is not a rise


def test_a_server_still_rising_at_the_cap_says_so() -> None:
    rising = _windows([1000.0 * (1.1**step) for step in range(100)])
    settled = Settling(window_s=5, at_least_s=30, at_most_s=60).settle(Load("jvm", "u", "s"), rising, _quiet)
    assert not settled.steady
    assert settled.seconds == 60


def test_an_error_answer_while_settling_stops_the_bench() -> None:
    def refused(load: Load, seconds: int) -> WrkRun:
        return WrkRun(100, 5.0, 3, 0, 1.0, 2.0)

    with pytest.raises(RuntimeError, match="3 answers of status 400 or more"):
        Settling().settle(Load("mock", "u", "s"), refused, _quiet)


def test_each_round_starts_one_load_further_on(monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []

    def run_wrk(load: Load, seconds: int) -> WrkRun:
        order.append(load.name)
        return WrkRun(100, float(seconds), 0, 0, 1.0, 2.0)

    monkeypatch.setattr("bench.measure.run_wrk", run_wrk)
    loads = [Load(name, "u", "s") for name in "abc"]
    RoundRobin(Shape(rounds=3, warmup_s=1, measure_s=2), progress=_quiet).run(loads)
    measured = order[1::2]  # each load's warm-up, then its measured run
    assert measured == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]


def test_a_refused_load_accepts_only_refusals_while_settling() -> None:
    def answered(load: Load, seconds: int) -> WrkRun:
        return WrkRun(100, 5.0, 97, 0, 1.0, 2.0)  # 3 answers below 400

    with pytest.raises(RuntimeError, match="3 answers below 400 where a refusal was asked for"):
        Settling().settle(Load("me_refused", "u", "s", refused=True), answered, _quiet)

    def refusals(load: Load, seconds: int) -> WrkRun:
        return WrkRun(500, 5.0, 500, 0, 1.0, 2.0)  # every answer 400 or more: as asked

    settled = Settling(window_s=5, at_least_s=30).settle(
        Load("me_refused", "u", "s", refused=True), refusals, _quiet
    )
    assert settled.windows_rps == (100.0,) * 6
