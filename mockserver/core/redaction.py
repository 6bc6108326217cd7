"""Mask passwords and tokens wherever the mock writes down what it received."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = [
    "LEAF_TYPES",
    "header_kind",
    "is_secret_field",
    "loggable",
    "redact_authorization",
    "redact_fields",
    "redact_header",
    "redact_header_as",
    "redact_query",
    "redact_token",
]

# A name is read as its words, split at separators, digits and camelCase ("X-Hub-Signature-256": x,
# hub, signature; "SAMLResponse": saml, response), trailing numbers dropped, and their lower-case join
# ("xhubsignature"), so that every spelling counts: client_secret, clientSecret, user[password]...
# This is the one list of secret names: the contract suite masks the same names (contract_tests/redaction.py).
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
# A name whose join ends with one of these is a secret: new_password, id_token, X-Api-Key...
_SECRET_ENDINGS = (
    "password",
    "passwd",
    "passphrase",
    "passcode",
    "pwd",
    "otp",  # a one-time password: otp, totp, hotp
    "secret",
    "token",  # access_token, accessToken, X-Auth-Token; token_type_hint does not end with it
    "credential",
    "credentials",
    "authorization",
    "assertion",  # client_assertion, assertion: a signed JWT that logs a client in (RFC 7521, 7523)
    "verifier",  # code_verifier (PKCE, RFC 7636); code_challenge is public by design
    "signature",  # X-Amz-Signature, X-Hub-Signature-256, oauth_signature
    "apikey",
    "privatekey",
    "secretkey",
    "accesskey",
    "authkey",
    "subscriptionkey",  # Ocp-Apim-Subscription-Key
    "signingkey",
    "sessionkey",
    "masterkey",
    "encryptionkey",
    "clientkey",
    "sessionid",
    "sessid",  # PHPSESSID
    "cookie",
)
# A name whose last word is one of these, as a word of its own: pass, x-api-key, sig, X-Session, user_pin...
# (not inside a longer word: compass, monkey, design, spinner stay visible)
_SECRET_LAST_WORDS = frozenset({"pass", "pw", "auth", "key", "sig", "jwt", "pin", "session"})
# Whole names that are secrets although no rule above sees it: a token sent as a hint, a signed SAML answer
_SECRET_NAMES = frozenset({"idtokenhint", "samlresponse", "samlart"})
# Names that a rule above would mask and that carry nothing secret
_PUBLIC_NAMES = frozenset({"idempotencykey"})
# OAuth codes that are credentials (RFC 6749 §4.1, RFC 8628): not every *_code (country_code, status_code)
_SECRET_CODES = frozenset(
    {
        "code",
        "authcode",
        "authorizationcode",
        "devicecode",
        "usercode",
        "mfacode",
        "verificationcode",
        "recoverycode",
        "backupcode",
    }
)
_CACHED_HEADER_NAME = 128  # longer names (of headers, fields) are classified uncached: a small cache
# IANA's HTTP authentication schemes: a lone word that is one of these is shown, anything else masked.
_SCHEMES = frozenset(
    {"basic", "bearer", "digest", "dpop", "hoba", "mutual", "negotiate", "ntlm", "oauth", "token"}
)
MASK = "***"
_VISIBLE = 4
_LONGEST_SCHEME = 15
# C0, DEL, C1; the Unicode line and paragraph separators; zero-width, bidi and other format controls
# that make a log line read otherwise than it is (U+202E reverses what follows).
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def is_secret_field(name: object) -> bool:
    """By name: password, client_secret, X-Api-Key, user[password], client_assertion, pwd, otp, sig...

    Word-aware: `key`, `sig`, `pin`, `jwt`, `session` count as a word of the name (api_key, X-Sig), never
    inside a longer word (monkey, design, spinner).

    Decided once per name up to a bound: every login's `username` and `password` pass here.
    """
    if type(name) is str and len(name) <= _CACHED_HEADER_NAME:
        return _cached_is_secret(name)
    return _is_secret(name)


def _is_secret(name: object) -> bool:
    words = [word.lower() for word in _WORDS.findall(str(name))]
    while words and words[-1].isdigit():  # X-Hub-Signature-256: the signature's algorithm, not a word
        words.pop()
    if not words:
        return False
    joined = "".join(words)
    if joined in _PUBLIC_NAMES:
        return False
    return (
        joined.endswith(_SECRET_ENDINGS)
        or words[-1] in _SECRET_LAST_WORDS
        or joined in _SECRET_CODES
        or joined in _SECRET_NAMES
    )


_cached_is_secret = lru_cache(maxsize=1024)(_is_secret)


def redact_token(token: str) -> str:
    """Enough of a token to tell two apart in a log, never enough to use one."""
    if len(token) < 16:
        return MASK
    return f"{token[:_VISIBLE]}…({len(token)} chars)"


def redact_authorization(value: str) -> str:
    """The scheme, kept for debugging, and the credentials masked, however the header is spaced."""
    words = value.split(None, 1)
    if not words:
        return value
    if len(words) == 1:
        return words[0] if words[0].lower() in _SCHEMES else redact_token(words[0])
    scheme, credentials = words
    if len(scheme) > _LONGEST_SCHEME:  # no scheme is this long: a token with something after it
        return MASK
    if scheme.lower() == "bearer":
        return f"{scheme} {redact_token(credentials.strip())}"
    return f"{scheme} {MASK}"


def redact_header(name: str, value: str) -> str:
    kind = header_kind(name)
    return value if kind is None else redact_header_as(kind, value)


def header_kind(name: str) -> str | None:
    """The header's kind: authorization, secret or None (shown as it is); once per name, bounded."""
    return _cached_header_kind(name) if len(name) <= _CACHED_HEADER_NAME else _header_kind(name)


def redact_header_as(kind: str, value: str) -> str:
    """The value of a header of that kind (not None), masked."""
    return redact_authorization(value) if kind == "authorization" else MASK


def _header_kind(name: str) -> str | None:
    if name.lower().endswith("authorization"):
        return "authorization"
    return "secret" if is_secret_field(name) else None


_cached_header_kind = lru_cache(maxsize=1024)(_header_kind)  # every request's headers pass; names repeat


def redact_fields(values: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """A copy of form, JSON or query fields with every secret field masked, at any depth."""
    items: Iterable[tuple[str, Any]]
    if isinstance(values, list):  # pairs, as the journal hands a form over: not worth asking the ABC
        items = values
    else:
        items = values.items() if isinstance(values, (dict, Mapping)) else values
    return {key: MASK if is_secret_field(key) else _redact_nested(value) for key, value in items}


# Values that hold nothing nested, told by their exact type: an isinstance against the Mapping ABC
# costs more than the rest of a login field's redaction, and every field of every body passes here.
LEAF_TYPES = frozenset({str, int, float, bool, type(None)})


def _redact_nested(value: Any) -> Any:
    if type(value) in LEAF_TYPES:
        return value
    if isinstance(value, Mapping):
        return redact_fields(value)
    if isinstance(value, list):
        return [_redact_nested(item) for item in value]
    return value


def redact_query(query: str) -> str:
    if not query:
        return query  # most requests: nothing to parse, on the hot path of every request
    pairs = parse_qsl(query, keep_blank_values=True)
    masked = [(k, MASK if is_secret_field(k) else v) for k, v in pairs]
    return urlencode(masked, safe="*")


def loggable(text: str) -> str:
    """Control characters, Unicode line separators and format controls escaped (`\\x0a`, `\\u202e`),
    so a request cannot forge or disguise a line of the log (%0A or %E2%80%AE in a path)."""
    return _UNPRINTABLE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
