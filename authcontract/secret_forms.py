"""The escaped spellings of a secret that reports can carry, registered with the suite's redaction.

The suite masks a secret raw, URL-encoded and JSON-escaped. A failure message also quotes bodies
through Python's repr, where a JSON-escaped quote becomes `\\\\"`, and the first unmatched escape
would let the rest of the secret through. Registering these spellings too closes that gap for
the secrets `authcontract` knows (the password) wherever its output is written.
"""

from __future__ import annotations

import html
import json

__all__ = ["escaped_forms", "register_escaped"]


def escaped_forms(value: str) -> set[str]:
    """The secret inside a repr (either quote style) of raw or JSON text, and HTML-escaped."""
    forms = set()
    for text in (value, json.dumps(value)[1:-1]):
        doubled = text.replace("\\", "\\\\")
        forms |= {doubled, doubled.replace("'", "\\'"), doubled.replace('"', '\\"'), html.escape(text)}
        forms.add(html.escape(text, quote=False))
    return forms - {value}


def register_escaped(value: str | None) -> None:
    from contract_tests.redaction import register

    if value:
        for form in escaped_forms(value):
            register(form)
