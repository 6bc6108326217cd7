"""Where two targets answered the same probe differently, and the side-by-side table that shows it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Difference", "differences", "render_drift"]

ABSENT = "(absent)"
WIDTHS = (32, 24, 48)


@dataclass(frozen=True)
class Difference:
    probe: str
    fact: str
    mock: str
    platform: str


def differences(mock: dict[str, dict[str, str]], platform: dict[str, dict[str, str]]) -> list[Difference]:
    """Every fact of every probe on which the two disagree; a fact one side lacks is `(absent)` there."""
    found = []
    for probe, mock_facts in mock.items():
        platform_facts = platform.get(probe, {})
        for fact in [*mock_facts, *(name for name in platform_facts if name not in mock_facts)]:
            left, right = mock_facts.get(fact, ABSENT), platform_facts.get(fact, ABSENT)
            if left != right:
                found.append(Difference(probe, fact, left, right))
    return found


def _cell(text: str, width: int) -> str:
    return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)


def render_drift(found: list[Difference], probes: int, platform: str) -> str:
    header = "".join(
        _cell(name, width) + "  " for name, width in zip(("PROBE", "WHAT"), WIDTHS, strict=False)
    )
    header += f"{'MOCK':<{WIDTHS[2]}}  PLATFORM"
    lines = [f"the bundled mock and {platform}, probe by probe", "", header, "-" * len(header)]
    previous = None
    for item in found:
        probe = item.probe if item.probe != previous else ""
        previous = item.probe
        cells = [_cell(probe, WIDTHS[0]), _cell(item.fact, WIDTHS[1]), _cell(item.mock, WIDTHS[2])]
        lines.append("  ".join(cells) + "  " + item.platform)
    if not found:
        lines.append("(no differences)")
    differing = len({item.probe for item in found})
    verdict = "SAME" if not found else "DRIFT"
    lines += [
        "",
        f"{verdict}: {differing} of {probes} probes answered differently ({len(found)} differences)",
    ]
    return "\n".join(lines)
