"""Find a value in a text whatever its spelling, by decoding the text rather than guessing spellings.

A platform may write a value raw, JSON-escaped (`\\u0026` in either case: Go and .NET escape `&`, `<`,
`>` by default), percent-encoded (either case), HTML-escaped, or inside base64 (`user:password` in a
Basic header), and a report may quote that again through Python's repr (backslashes doubled). Each
layer of escapes is decoded into a view whose pieces know the span of the text they came from, so a
value found in a view is found, escapes and all, in the text itself.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from bisect import bisect_right
from collections.abc import Collection, Iterator
from dataclasses import dataclass

__all__ = ["View", "base64_text", "decoded_forms", "find_spans", "merge"]

Span = tuple[int, int]

LAYERS = 3  # escapes of escapes: a repr of a JSON escape of an HTML entity, %2526
_UNITS = (
    r"\\+u(?P<hi>[dD][89abAB][0-9a-fA-F]{2})\\+u(?P<lo>[dD][c-fC-F][0-9a-fA-F]{2})"  # a surrogate pair
    r"|\\+u(?P<u>[0-9a-fA-F]{4})"  # JSON, any number of backslashes (a repr doubles them)
    r"|\\+x(?P<x>[0-9a-fA-F]{2})"  # Python's repr of a control character
    r"|\\+(?P<c>[\\\"'/bfnrt])"  # JSON's and repr's short escapes
    r"|(?P<p>(?:%[0-9a-fA-F]{2})+)"  # percent-encoding, either case, UTF-8 bytes
    r"|(?P<e>&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?))"  # HTML
)
_UNIT = re.compile(_UNITS)
_UNIT_OR_PLUS = re.compile(_UNITS + r"|(?P<plus>\+)")  # a form's space
_SHORT = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_INDICATORS = ("\\", "%", "&")


@dataclass(frozen=True)
class View:
    """A text with one layer of escapes decoded; `origin` maps a span of it back to the first text."""

    text: str
    starts: tuple[int, ...] = ()  # where each piece starts in `text`
    pieces: tuple[tuple[int, int, bool], ...] = ()  # (start, end) in the parent's text, literal or not
    parent: View | None = None

    def origin(self, start: int, end: int) -> Span:
        if self.parent is None:
            return start, end
        first, last = bisect_right(self.starts, start) - 1, bisect_right(self.starts, end - 1) - 1
        low, _, literal = self.pieces[first]
        high_start, high, last_literal = self.pieces[last]
        begin = low + start - self.starts[first] if literal else low
        finish = high_start + end - self.starts[last] if last_literal else high
        return self.parent.origin(begin, finish)


def _pieces(match: re.Match[str]) -> list[tuple[str, int, int]]:
    """The characters one escape stands for, each with its span; [] when it is no escape."""
    start, end = match.span()
    if match["hi"]:
        pair = (int(match["hi"], 16) - 0xD800) * 0x400 + int(match["lo"], 16) - 0xDC00
        return [(chr(0x10000 + pair), start, end)]
    if match["u"] or match["x"]:
        return [(chr(int(match["u"] or match["x"], 16)), start, end)]
    if match["c"]:
        return [(_SHORT.get(match["c"], match["c"]), start, end)]
    if match["p"]:
        chars, position = [], start
        for char in bytes.fromhex(match["p"].replace("%", "")).decode("utf-8", "surrogateescape"):
            width = 3 * len(char.encode("utf-8", "surrogateescape"))
            chars.append((char, position, position + width))
            position += width
        return chars
    if match["e"]:
        text = html.unescape(match["e"])
        return [] if text == match["e"] else [(text, start, end)]
    return [(" ", start, end)]  # a plus


def decode(view: View, *, plus: bool = False) -> View | None:
    """The view with one more layer decoded, or None when it holds no escape."""
    text = view.text
    if not any(mark in text for mark in _INDICATORS) and not (plus and "+" in text):
        return None
    out: list[str] = []
    starts: list[int] = []
    pieces: list[tuple[int, int, bool]] = []
    length = position = 0
    for match in (_UNIT_OR_PLUS if plus else _UNIT).finditer(text):
        decoded = _pieces(match)
        if not decoded:
            continue
        if match.start() > position:
            out.append(text[position : match.start()])
            starts.append(length)
            pieces.append((position, match.start(), True))
            length += match.start() - position
        for chars, low, high in decoded:
            out.append(chars)
            starts.append(length)
            pieces.append((low, high, False))
            length += len(chars)
        position = match.end()
    if not pieces:
        return None
    out.append(text[position:])
    starts.append(length)
    pieces.append((position, len(text), True))
    return View("".join(out), tuple(starts), tuple(pieces), view)


def views(text: str, *, plus: bool = False) -> Iterator[View]:
    """The text itself, then each layer of its escapes decoded (at most LAYERS)."""
    current: View | None = View(text)
    for _ in range(LAYERS + 1):
        if current is None:
            return
        yield current
        current = decode(current, plus=plus)


def base64_text(text: str) -> str | None:
    """What a base64 or base64url run decodes to, as text; None when it is not base64."""
    bare = text.rstrip("=").replace("-", "+").replace("_", "/")
    if len(bare) % 4 == 1:
        return None
    try:
        return base64.b64decode(bare + "=" * (-len(bare) % 4), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None


def find_spans(text: str, values: Collection[str]) -> list[Span]:
    """Every span of `text` that spells one of `values`: in a decoded view, or a base64 run holding one."""
    if not values:
        return []
    spans: list[Span] = []
    plus = "+" in text and any(" " in value for value in values)
    for variant in (False, True) if plus else (False,):
        for view in views(text, plus=variant):
            spans += _found(view, values)
    return spans


def _found(view: View, values: Collection[str]) -> Iterator[Span]:
    text = view.text
    for value in values:
        start = text.find(value)
        while start != -1:
            yield view.origin(start, start + len(value))
            start = text.find(value, start + 1)
    for match in _BASE64.finditer(text):
        plain = base64_text(match[0])
        if plain and any(value in plain for value in values):
            yield view.origin(*match.span())


def decoded_forms(value: str) -> set[str]:
    """A whole value as it reads after each layer of decoding (`+` read as a space or not)."""
    return {view.text for variant in (False, True) for view in views(value, plus=variant)}


def merge(spans: list[Span]) -> list[Span]:
    """Overlapping or touching spans as one, in order."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
