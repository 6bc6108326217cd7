"""Text from the platform made safe to show: control characters escaped, for terminals and reports alike.

A platform's reason phrase, headers and error codes are untrusted: an ESC can clear a terminal or
draw "ALL CHECKS PASSED", a CR can overwrite a line, U+202E can reverse what follows, and a C0
character or a lone surrogate makes XML malformed (and a UTF-8 file unwritable). `printable()`
writes each such character as a visible escape (`\\x1b`, `\\u202e`), so the text reads the same
everywhere and no report can be broken by it. Line feeds and tabs can be kept for multi-line text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO, Any

__all__ = ["PrintableStream", "printable"]

# C0, DEL, C1; line and paragraph separators; bidi and other format controls (Cf); surrogates;
# the XML-forbidden noncharacters U+FFFE and U+FFFF.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _format_controls(text: str) -> str:
    if text.isascii():
        return text
    return "".join(_escape(c) if unicodedata.category(c) == "Cf" else c for c in text)


def printable(text: str, *, lines: bool = False) -> str:
    """`text` with every control character written as an escape; with `lines`, `\\n` and `\\t` are kept.

    Idempotent in effect: its output holds no control character, so a second pass changes nothing."""
    unsafe = _LINES if lines else _UNSAFE
    return _format_controls(unsafe.sub(lambda match: _escape(match.group()), text))


class PrintableStream:
    """A text stream whose every write goes through `printable(..., lines=True)`: what a command
    prints cannot drive the terminal, whoever wrote it (the table, a relayed line, Locust's output)."""

    def __init__(self, inner: IO[str]) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        return self.inner.write(printable(text, lines=True))

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
