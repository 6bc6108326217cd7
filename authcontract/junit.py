"""Redact a JUnit XML report in place, text and attributes alike.

The XML is parsed rather than searched: a password holding `&` or `<` is escaped in the file, so a
plain text search for it would miss it, while each parsed value is the original text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

__all__ = ["redact_junit"]


def redact_junit(path: Path, redact: Callable[[str], str]) -> None:
    tree = ElementTree.parse(path)  # noqa: S314 - pytest wrote this file a moment ago
    for element in tree.iter():
        if element.text:
            element.text = redact(element.text)
        if element.tail:
            element.tail = redact(element.tail)
        for name, value in element.attrib.items():
            element.set(name, redact(value))
    tree.write(path, encoding="utf-8", xml_declaration=True)
