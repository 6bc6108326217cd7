"""Every spelling of a password a report could leak, written out one by one (not by the decoder under test).

A test asserts that none of these is in an output: raw; JSON-escaped as Go (`&<>` only) or .NET (every
character JSON may escape), `\\uXXXX` in lower and upper case, as written and through a repr (backslashes
doubled); percent-encoded in both cases, with `%20` or `+`; HTML-escaped (named, decimal, hex); base64
of `user:password` (standard and URL-safe, padded or not).
"""

from __future__ import annotations

import base64
import html
import re
from urllib.parse import quote, quote_plus

__all__ = ["leaked_spellings", "spellings_of"]

_ESCAPED_BY_GO = "&<>"
_ESCAPED_BY_DOTNET = "&<>'\"+`"


def _json(value: str, escaped: str, hex_case: str) -> str:
    return "".join(
        format(ord(char), f"04{hex_case}").join(("\\u", "")) if char in escaped else char for char in value
    )


def _percent(value: str) -> set[str]:
    upper = {quote(value, safe=""), quote_plus(value, safe="")}
    return upper | {re.sub(r"%[0-9A-F]{2}", lambda match: match[0].lower(), form) for form in upper}


def _base64(username: str, password: str) -> set[str]:
    raw = f"{username}:{password}".encode()
    forms = {base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()}
    return forms | {form.rstrip("=") for form in forms}


def spellings_of(password: str, username: str) -> dict[str, str]:
    """{name of the spelling: the spelling}."""
    found = {"raw": password}
    for case in ("x", "X"):
        for who, escaped in (("go", _ESCAPED_BY_GO), ("dotnet", _ESCAPED_BY_DOTNET)):
            form = _json(password, escaped, case)
            found[f"json-{who}-{case}"] = form
            found[f"json-{who}-{case}-repr"] = form.replace("\\", "\\\\")
    for index, form in enumerate(sorted(_percent(password))):
        found[f"percent-{index}"] = form
    found["html"] = html.escape(password)
    found["html-decimal"] = "".join(f"&#{ord(char)};" if not char.isalnum() else char for char in password)
    found["html-hex"] = "".join(f"&#x{ord(char):x};" if not char.isalnum() else char for char in password)
    for index, form in enumerate(sorted(_base64(username, password))):
        found[f"base64-user-password-{index}"] = form
    return found


def leaked_spellings(text: str, password: str, username: str) -> list[str]:
    """The names of the spellings of `password` that `text` holds (never the spellings themselves)."""
    return [name for name, form in spellings_of(password, username).items() if form in text]
