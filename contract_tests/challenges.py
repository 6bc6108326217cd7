"""Reading HTTP headers the RFCs define: WWW-Authenticate challenges, Cache-Control directives."""

from __future__ import annotations

import math
import re
import string

__all__ = ["cache_directives", "capacity_bits", "challenge_params", "challenge_schemes"]

_TCHAR = r"[!#$%&'*+.^_`|~0-9A-Za-z-]"
# a scheme starts the header or follows a comma, and is not the name of an auth-param (name=value)
_SCHEME = re.compile(rf"(?:^|,)\s*({_TCHAR}+)(?!{_TCHAR}|\s*=)")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_PARAM = re.compile(rf'({_TCHAR}+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|({_TCHAR}+))')
_QUOTED_PAIR = re.compile(r"\\(.)")
_ALPHABETS = (
    string.digits,
    string.digits + "abcdef",
    string.digits + "ABCDEF",
    string.digits + string.ascii_lowercase,
    string.digits + string.ascii_uppercase,
    string.digits + string.ascii_letters,
    string.digits + string.ascii_letters + "-._~+/",
)


def challenge_schemes(header: str) -> list[str]:
    """The auth-schemes of a WWW-Authenticate value, lower-cased (RFC 7235 §4.1: case-insensitive)."""
    unquoted = _QUOTED.sub('""', header)
    return [match.group(1).lower() for match in _SCHEME.finditer(unquoted)]


def challenge_params(header: str) -> dict[str, str]:
    """The auth-params of every challenge in the header, names lower-cased, values as meant.

    A quoted value is unescaped (RFC 7230 §3.2.6 quoted-pair): `error="invalid\\_token"` is invalid_token.
    """
    return {
        name.lower(): _QUOTED_PAIR.sub(r"\1", quoted) if quoted else bare
        for name, quoted, bare in _PARAM.findall(header)
    }


def cache_directives(header: str) -> set[str]:
    return {part.split("=")[0].strip().lower() for part in header.split(",") if part.strip()}


def capacity_bits(token: str) -> float:
    """How many bits a token of this length can carry in the smallest usual alphabet holding its characters.

    A 32-character hex token carries 128 bits, a 22-character base64url one 132; padding carries none.
    """
    body = token.rstrip("=")
    used = set(body)
    for alphabet in _ALPHABETS:
        if used <= set(alphabet):
            return len(body) * math.log2(len(alphabet))
    return len(body) * math.log2(len(_ALPHABETS[-1]))
