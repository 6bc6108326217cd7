"""JUnit XML for CI viewers: redact a report in place, and write one from cases of our own.

The XML is parsed rather than searched: a password holding `&` or `<` is escaped in the file, so a
plain text search for it would miss it, while each parsed value is the original text. Reports this
package writes itself (`compare`'s) go through the same redaction before they are written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from .text import printable

__all__ = ["Case", "redact_junit", "write_junit"]


@dataclass(frozen=True)
class Case:
    """One testcase: failed when `failure` is set, an error when `error` is, else passed."""

    classname: str
    name: str
    output: str = ""
    failure: str | None = None  # the failure's message; `output` holds the detail
    error: str | None = None


def redact_junit(path: Path, redact: Callable[[str], str]) -> None:
    tree = ElementTree.parse(path)  # noqa: S314 - pytest wrote this file a moment ago
    _redact_tree(tree.getroot(), redact)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def _redact_tree(root: ElementTree.Element, redact: Callable[[str], str]) -> None:
    """Every text and attribute redacted, then its control characters escaped: whatever the platform
    sent, the file stays well-formed XML and shows no terminal escape."""

    def clean(text: str) -> str:
        return printable(redact(text), lines=True)

    for element in root.iter():
        if element.text:
            element.text = clean(element.text)
        if element.tail:
            element.tail = clean(element.tail)
        for name, value in element.attrib.items():
            element.set(name, clean(value))


def write_junit(path: Path, suite: str, cases: Sequence[Case], redact: Callable[[str], str]) -> None:
    """<testsuites><testsuite name=suite> with one <testcase> per case, redacted (as any report) before
    it is written: no secret reaches the disk, even for a moment."""
    root = ElementTree.Element("testsuites")
    element = ElementTree.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(len(cases)),
        failures=str(sum(case.failure is not None for case in cases)),
        errors=str(sum(case.error is not None for case in cases)),
        skipped="0",
    )
    for case in cases:
        testcase = ElementTree.SubElement(element, "testcase", classname=case.classname, name=case.name)
        if case.failure is not None:
            ElementTree.SubElement(testcase, "failure", message=case.failure).text = case.output
        elif case.error is not None:
            ElementTree.SubElement(testcase, "error", message=case.error).text = case.output
        elif case.output:
            ElementTree.SubElement(testcase, "system-out").text = case.output
    _redact_tree(root, redact)
    tree = ElementTree.ElementTree(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)
