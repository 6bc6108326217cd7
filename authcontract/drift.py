"""Where two targets answered the same probe differently, and the side-by-side table that shows it.

Most facts are compared as they are: two strings, the same or not. A few are values a client
depends on and get a rule of their own: `expires_in` differs only where a client would notice
(one side under the minute a client refreshes ahead, or more than a factor of 2 apart), or where
one side sends something other than a number (a string "3600": a difference of type), and a
`token_type` spelled in another case is reported as a difference of spelling, not of meaning.
Each difference carries its severity (severity.py) and whether it fails the comparison: a
contract or rfc one does, a cosmetic one is listed apart, an accepted one (gate.py) is shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .severity import CONTRACT, RFC, TIERS, fails, severity_of
from .text import printable

__all__ = [
    "EXPIRES_IN",
    "REFRESH_MARGIN",
    "Difference",
    "compare_facts",
    "differences",
    "probe_names",
    "render_drift",
]

ABSENT = "(absent)"
WIDTHS = (8, 32, 24, 48)  # LEVEL, PROBE, WHAT, MOCK; PLATFORM takes the rest
EXPIRES_IN = "expires_in (seconds)"  # the fact observe.py notes of a numeric expires_in
TYPE_FACT = "body.token_type"
REFRESH_MARGIN = 60.0  # seconds ahead of expiry a client commonly refreshes its token
EXPIRY_FACTOR = 2.0  # lifetimes further apart than this change how often a client logs in
# kinds of difference: a value, a fact present on one side only, a case-only spelling, a lifetime
# range, a value of another JSON type
KINDS = ("different", "presence", "spelling", "range", "type")
DEFAULT_FAIL_ON = RFC


@dataclass(frozen=True)
class Difference:
    """One fact of one probe on both sides; `kind` is None where they agree. `severity` and `clause`
    say how much a difference matters; `fails` whether it fails the comparison; `accepted` why not
    (an --ignore or the baseline), or empty."""

    probe: str
    fact: str
    mock: str
    platform: str
    kind: str | None = "different"
    why: str = ""
    severity: str = CONTRACT
    clause: str = ""
    fails: bool = True
    accepted: str = ""

    @property
    def same(self) -> bool:
        return self.kind is None


Rule = Callable[[str, str], tuple[str, str] | None]


def _expires_in(mock: str, platform: str) -> tuple[str, str] | None:
    """A client refreshing a minute ahead breaks on a 5 s token that a 3600 s mock never showed it."""
    numbers = [_seconds(mock), _seconds(platform)]
    if numbers[0] is None or numbers[1] is None:
        if mock == platform:
            return None
        return "type", "expires_in is a JSON number of seconds (RFC 6749 §5.1); this is not one"
    low, high = sorted((numbers[0], numbers[1]))
    if low < REFRESH_MARGIN <= high:
        return "range", f"{low:g} s is under the {REFRESH_MARGIN:g} s a client may refresh ahead of expiry"
    if low <= 0 or high > EXPIRY_FACTOR * low:
        return "range", f"{high:g} s is more than {EXPIRY_FACTOR:g} times {low:g} s"
    return None


def _seconds(text: str) -> float | None:
    """A finite number as observe.py writes one, else None (a JSON string, null, NaN...)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _token_type(mock: str, platform: str) -> tuple[str, str] | None:
    if mock != platform and mock.lower() == platform.lower():
        return (
            "spelling",
            "the same type in another case (RFC 6749 §5.1: case-insensitive); exact matches break",
        )
    return _plain(mock, platform)


def _plain(mock: str, platform: str) -> tuple[str, str] | None:
    if mock == platform:
        return None
    return ("presence", "") if ABSENT in (mock, platform) else ("different", "")


RULES: dict[str, Rule] = {EXPIRES_IN: _expires_in, TYPE_FACT: _token_type}


def compare_facts(
    mock: dict[str, dict[str, str]], platform: dict[str, dict[str, str]], fail_on: str = DEFAULT_FAIL_ON
) -> list[Difference]:
    """Every fact of every probe, both sides, whether (and how) they differ, how much that matters,
    and whether it fails under `--fail-on fail_on`; a fact one side lacks is `(absent)` there."""
    compared = []
    for probe, mock_facts in mock.items():
        platform_facts = platform.get(probe, {})
        for fact in [*mock_facts, *(name for name in platform_facts if name not in mock_facts)]:
            left, right = mock_facts.get(fact, ABSENT), platform_facts.get(fact, ABSENT)
            rule = RULES.get(fact, _plain) if ABSENT not in (left, right) else _plain
            kind, why = rule(left, right) or (None, "")
            severity = severity_of(probe, fact, kind)
            failing = kind is not None and fails(severity.tier, fail_on)
            compared.append(
                Difference(probe, fact, left, right, kind, why, severity.tier, severity.clause, failing)
            )
    return compared


def differences(
    mock: dict[str, dict[str, str]], platform: dict[str, dict[str, str]], fail_on: str = DEFAULT_FAIL_ON
) -> list[Difference]:
    """The facts on which the two disagree."""
    return [item for item in compare_facts(mock, platform, fail_on) if not item.same]


def probe_names(compared: list[Difference]) -> list[str]:
    """The probes, in the order they were sent."""
    return list(dict.fromkeys(item.probe for item in compared))


def summary_line(found: list[Difference], probes: int) -> str:
    """DRIFT when a difference fails the comparison, else SAME; the count of each kind follows."""
    failing = [item for item in found if item.fails]
    if not found:
        return f"SAME: 0 of {probes} probes answered differently (0 differences)"
    open_ = [item for item in found if not item.accepted]
    tiers = ", ".join(f"{sum(item.severity == tier for item in open_)} {tier}" for tier in TIERS)
    accepted = len(found) - len(open_)
    counts = f"{len(found)} differences: {tiers}" + (f", {accepted} accepted" if accepted else "")
    if not failing:
        return f"SAME: no difference fails the comparison ({counts})"
    differing = len({item.probe for item in failing})
    return f"DRIFT: {differing} of {probes} probes answered differently ({counts})"


def _cell(text: str, width: int) -> str:
    return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)


def _rows(items: list[Difference]) -> list[str]:
    """Table rows; the platform's words with their control characters escaped, then cut."""
    lines, previous = [], None
    for item in items:
        probe = item.probe if item.probe != previous else ""
        previous = item.probe
        words = (item.severity, probe, printable(item.fact), printable(item.mock))
        cells = [_cell(word, width) for word, width in zip(words, WIDTHS, strict=True)]
        lines.append("  ".join(cells) + "  " + printable(item.platform))
        indent = " " * (WIDTHS[0] + WIDTHS[1] + 4)
        if item.why:  # a rule of its own (range, spelling, type): say why it matters
            lines.append(indent + f"└ {item.kind}: {printable(item.why)}")
        if item.accepted:
            lines.append(indent + f"└ accepted: {printable(item.accepted)}")
    return lines


def render_drift(found: list[Difference], probes: int, platform: str) -> str:
    """The differences in three groups: those that fail the comparison, the others (cosmetic unless
    `--fail-on cosmetic`), and the accepted ones; then the summary line."""
    names = ("LEVEL", "PROBE", "WHAT", "MOCK")
    header = (
        "".join(_cell(name, width) + "  " for name, width in zip(names, WIDTHS, strict=True)) + "PLATFORM"
    )
    lines = [f"the bundled mock and {printable(platform)}, probe by probe", "", header, "-" * len(header)]
    failing = [item for item in found if item.fails]
    listed = [item for item in found if not item.fails and not item.accepted]
    accepted = [item for item in found if item.accepted]
    lines += _rows(failing) or (["(no difference that fails)"] if found else [])
    if listed:
        lines += ["", "differences listed, not failing (cosmetic; --fail-on cosmetic to fail on them):"]
        lines += _rows(listed)
    if accepted:
        lines += ["", "differences accepted (--ignore, --baseline):"]
        lines += _rows(accepted)
    if not found:
        lines.append("(no differences)")
    return "\n".join([*lines, "", summary_line(found, probes)])
