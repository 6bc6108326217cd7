"""What makes `compare` fail: `--fail-on`, and the differences a team accepted (`--ignore`, `--baseline`).

`--ignore PROBE:WHAT` (fnmatch patterns, repeatable; also `ignore = [...]` in the profile's
`[compare]` table) accepts every difference whose probe and fact match. A baseline is a JSON file of
accepted differences written by `--write-baseline FILE`; an entry accepts a difference only with the
same probe, fact and both values, so a value that changes again is new drift. Accepted differences
are still shown, marked, and never fail. A mistake in these settings is a ValueError: one line,
exit 2, never a verdict.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from .drift import DEFAULT_FAIL_ON, Difference
from .severity import TIERS, fails

__all__ = ["BASELINE_FORMAT", "Gate", "Ignore", "add_gate_arguments", "gate_from", "write_baseline"]

BASELINE_FORMAT = "authcontract compare baseline"
Key = tuple[str, str, str, str]  # probe, fact, mock, platform


@dataclass(frozen=True)
class Ignore:
    """`PROBE:WHAT`: fnmatch patterns of a probe's name and a fact (`login:body.scope`, `*:header Pragma`)."""

    probe: str
    fact: str

    @classmethod
    def parse(cls, text: str, probes: Iterable[str]) -> Ignore:
        probe, colon, fact = text.partition(":")  # probe names hold no colon; a fact may
        if not colon or not probe.strip() or not fact.strip():
            raise ValueError(f"--ignore {text!r} must be PROBE:WHAT, e.g. 'login:body.scope'")
        names = list(probes)
        if not any(fnmatchcase(name, probe.strip()) for name in names):
            raise ValueError(f"--ignore {text!r} names no probe; the probes: {', '.join(names)}")
        return cls(probe.strip(), fact.strip())

    def matches(self, item: Difference) -> bool:
        return fnmatchcase(item.probe, self.probe) and fnmatchcase(item.fact, self.fact)

    def __str__(self) -> str:
        return f"{self.probe}:{self.fact}"


@dataclass(frozen=True)
class Gate:
    """The tier that fails a comparison, and the differences accepted."""

    fail_on: str = DEFAULT_FAIL_ON
    ignores: tuple[Ignore, ...] = ()
    baseline: frozenset[Key] = frozenset()
    baseline_file: Path | None = None

    def apply(self, compared: list[Difference], redact: Callable[[str], str]) -> list[Difference]:
        """Each difference judged against `fail_on`, and marked accepted where an ignore or the
        baseline says so (values compared as the baseline keeps them: redacted)."""
        judged = []
        for item in compared:
            if item.same:
                judged.append(item)
                continue
            accepted = next((f"--ignore {rule}" for rule in self.ignores if rule.matches(item)), "")
            if not accepted and _key(item, redact) in self.baseline:
                accepted = f"in the baseline {self.baseline_file}"
            failing = not accepted and fails(item.severity, self.fail_on)
            judged.append(dataclasses.replace(item, fails=failing, accepted=accepted))
        return judged


def add_gate_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add(
        "--fail-on",
        choices=TIERS,
        help="the mildest difference that fails (default rfc: contract and rfc fail; cosmetic is listed)",
    )
    add("--ignore", action="append", default=[], metavar="PROBE:WHAT", help="accept these differences")
    add(
        "--baseline", type=Path, metavar="FILE", help="accept the differences in this file (--write-baseline)"
    )
    add("--write-baseline", type=Path, metavar="FILE", help="write the differences found, as accepted ones")


def gate_from(args: argparse.Namespace, probes: Iterable[str]) -> Gate:
    """The gate the flags and the profile's `[compare]` table describe; flags win, ignores add up."""
    names = list(probes)
    table = _profile_table(args.profile)
    fail_on = args.fail_on or table.get("fail-on", DEFAULT_FAIL_ON)
    if fail_on not in TIERS:
        raise ValueError(f"[compare] fail-on in {args.profile} must be one of {', '.join(TIERS)}")
    listed = table.get("ignore", [])
    if not isinstance(listed, list) or not all(isinstance(text, str) for text in listed):
        raise ValueError(f"[compare] ignore in {args.profile} must be a list of 'PROBE:WHAT' strings")
    ignores = tuple(Ignore.parse(text, names) for text in [*listed, *args.ignore])
    baseline_file = args.baseline or _relative(args.profile, table.get("baseline"))
    baseline = _read_baseline(baseline_file) if baseline_file is not None else frozenset()
    return Gate(fail_on, ignores, baseline, baseline_file)


def _profile_table(profile: Path | None) -> dict[str, Any]:
    if profile is None:
        return {}
    try:
        table = tomllib.loads(profile.read_text(encoding="utf-8")).get("compare", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}  # the contract settings' loader reads it too, and names its mistake first
    if not isinstance(table, dict):
        raise ValueError(f"[compare] in {profile} must be a table")
    unknown = sorted(set(table) - {"fail-on", "ignore", "baseline"})
    if unknown:
        raise ValueError(f"unknown setting in [compare] of {profile}: {', '.join(unknown)}")
    return table


def _relative(profile: Path | None, value: Any) -> Path | None:
    """A baseline named in the profile is relative to the profile's folder."""
    if value is None or profile is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f"[compare] baseline in {profile} must be a file name")
    return profile.parent / value


def _read_baseline(path: Path) -> frozenset[Key]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"baseline file not found: {path} (write one with --write-baseline)") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"baseline file {path} cannot be read as JSON: {type(exc).__name__}") from None
    if not isinstance(document, dict):  # JSON, but an array, a string, a number or null
        raise ValueError(f"baseline file {path} is not one --write-baseline wrote")
    entries = document.get("accepted")
    if document.get("format") != BASELINE_FORMAT or not isinstance(entries, list):
        raise ValueError(f"baseline file {path} is not one --write-baseline wrote")
    keys: set[Key] = set()
    for entry in entries:
        values = (
            [entry.get(name) for name in ("probe", "what", "mock", "platform")]
            if isinstance(entry, dict)
            else []
        )
        strings = [value for value in values if isinstance(value, str)]
        if len(strings) != 4:
            raise ValueError(f"baseline file {path}: each entry needs probe, what, mock and platform")
        keys.add((strings[0], strings[1], strings[2], strings[3]))
    return frozenset(keys)


def _key(item: Difference, redact: Callable[[str], str]) -> Key:
    return (item.probe, item.fact, redact(item.mock), redact(item.platform))


def write_baseline(path: Path, compared: list[Difference], redact: Callable[[str], str]) -> list[Difference]:
    """Write every difference not ignored as accepted; returns `compared` with them accepted."""
    kept = [item for item in compared if not item.same and not item.accepted.startswith("--ignore")]
    entries = [
        dict(zip(("probe", "what", "mock", "platform"), _key(item, redact), strict=True))
        | {"severity": item.severity}
        for item in kept
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"format": BASELINE_FORMAT, "version": 1, "accepted": entries}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")
    chosen = {id(item) for item in kept}
    return [
        dataclasses.replace(item, fails=False, accepted=f"written to the baseline {path}")
        if id(item) in chosen
        else item
        for item in compared
    ]
