"""Where two targets answered the same probe differently, and the side-by-side table that shows it.

Most facts are compared as they are: two strings, the same or not. A few are values a client
depends on and get a rule of their own: `expires_in` differs only where a client would notice
(one side under the minute a client refreshes ahead, or more than a factor of 2 apart), and a
`token_type` spelled in another case is reported as a difference of spelling, not of meaning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
WIDTHS = (32, 24, 48)
EXPIRES_IN = "expires_in (seconds)"  # the fact observe.py notes of a numeric expires_in
TYPE_FACT = "body.token_type"
REFRESH_MARGIN = 60.0  # seconds ahead of expiry a client commonly refreshes its token
EXPIRY_FACTOR = 2.0  # lifetimes further apart than this change how often a client logs in
# kinds of difference: a value, a fact present on one side only, a case-only spelling, a lifetime range
KINDS = ("different", "presence", "spelling", "range")


@dataclass(frozen=True)
class Difference:
    """One fact of one probe on both sides; `kind` is None where they agree."""

    probe: str
    fact: str
    mock: str
    platform: str
    kind: str | None = "different"
    why: str = ""

    @property
    def same(self) -> bool:
        return self.kind is None


Rule = Callable[[str, str], tuple[str, str] | None]


def _expires_in(mock: str, platform: str) -> tuple[str, str] | None:
    """A client refreshing a minute ahead breaks on a 5 s token that a 3600 s mock never showed it."""
    try:
        low, high = sorted((float(mock), float(platform)))
    except ValueError:
        return _plain(mock, platform)
    if low < REFRESH_MARGIN <= high:
        return "range", f"{low:g} s is under the {REFRESH_MARGIN:g} s a client may refresh ahead of expiry"
    if low <= 0 or high > EXPIRY_FACTOR * low:
        return "range", f"{high:g} s is more than {EXPIRY_FACTOR:g} times {low:g} s"
    return None


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


def compare_facts(mock: dict[str, dict[str, str]], platform: dict[str, dict[str, str]]) -> list[Difference]:
    """Every fact of every probe, both sides, and whether (and how) they differ; a fact one side lacks
    is `(absent)` there."""
    compared = []
    for probe, mock_facts in mock.items():
        platform_facts = platform.get(probe, {})
        for fact in [*mock_facts, *(name for name in platform_facts if name not in mock_facts)]:
            left, right = mock_facts.get(fact, ABSENT), platform_facts.get(fact, ABSENT)
            rule = RULES.get(fact, _plain) if ABSENT not in (left, right) else _plain
            kind, why = rule(left, right) or (None, "")
            compared.append(Difference(probe, fact, left, right, kind, why))
    return compared


def differences(mock: dict[str, dict[str, str]], platform: dict[str, dict[str, str]]) -> list[Difference]:
    """The facts on which the two disagree."""
    return [item for item in compare_facts(mock, platform) if not item.same]


def probe_names(compared: list[Difference]) -> list[str]:
    """The probes, in the order they were sent."""
    return list(dict.fromkeys(item.probe for item in compared))


def summary_line(found: list[Difference], probes: int) -> str:
    differing = len({item.probe for item in found})
    verdict = "SAME" if not found else "DRIFT"
    return f"{verdict}: {differing} of {probes} probes answered differently ({len(found)} differences)"


def _cell(text: str, width: int) -> str:
    return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)


def render_drift(found: list[Difference], probes: int, platform: str) -> str:
    header = "".join(
        _cell(name, width) + "  " for name, width in zip(("PROBE", "WHAT"), WIDTHS, strict=False)
    )
    header += f"{'MOCK':<{WIDTHS[2]}}  PLATFORM"
    lines = [f"the bundled mock and {printable(platform)}, probe by probe", "", header, "-" * len(header)]
    previous = None
    for item in found:  # the platform's words with their control characters escaped, then cut
        probe = item.probe if item.probe != previous else ""
        previous = item.probe
        mock, fact = printable(item.mock), printable(item.fact)
        cells = [_cell(probe, WIDTHS[0]), _cell(fact, WIDTHS[1]), _cell(mock, WIDTHS[2])]
        lines.append("  ".join(cells) + "  " + printable(item.platform))
        if item.why:  # a rule of its own (range, spelling): say why it matters
            lines.append(" " * (WIDTHS[0] + 2) + f"└ {item.kind}: {printable(item.why)}")
    if not found:
        lines.append("(no differences)")
    return "\n".join([*lines, "", summary_line(found, probes)])
