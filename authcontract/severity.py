"""How much a difference between the mock and the platform matters, from the clause it touches.

One table, read top to bottom, first match wins: a fact (an fnmatch pattern of observe.py's fact
names), the probes it applies to, optionally the kinds of difference, and the tier with the clause.
Tiers are the suite's: `contract` (the platform doc: the status, the token's fields, their types and
meaning, error codes, the challenge), `rfc` (a MUST of an RFC, such as no-store on a token answer)
and `cosmetic` (what a client does not branch on: optional fields, headers on errors, a realm,
which methods `Allow` lists). A fact the table does not name is `contract`: unknown is not harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

__all__ = ["CONTRACT", "COSMETIC", "RFC", "TIERS", "Severity", "fails", "severity_of"]

CONTRACT, RFC, COSMETIC = "contract", "rfc", "cosmetic"
TIERS = (CONTRACT, RFC, COSMETIC)  # most to least severe; `--fail-on T` fails on T and above

TOKEN = ("login",)
REFUSED_LOGINS = ("login, wrong password", "login, unknown user")
LOGINS = ("login", *REFUSED_LOGINS)
BARE = ("protected, no Authorization", "protected, another scheme")  # a challenge with no error code
PROTECTED = (
    "protected, valid token",
    "protected, lower-case bearer",
    *BARE,
    "protected, unknown token",
    "protected, Bearer without token",
    "protected, malformed token",
)
ANY = ("*",)


@dataclass(frozen=True)
class Severity:
    """A difference's tier and the clause that sets it."""

    tier: str
    clause: str


@dataclass(frozen=True)
class _Row:
    fact: str
    probes: tuple[str, ...]
    severity: Severity
    kinds: tuple[str, ...] = ()  # empty: any kind


def _row(fact: str, probes: tuple[str, ...], tier: str, clause: str, kinds: tuple[str, ...] = ()) -> _Row:
    return _Row(fact, probes, Severity(tier, clause), kinds)


TABLE = (
    _row("status", ANY, CONTRACT, "the status a client branches on (RFC 6749 §5.2, RFC 6750 §3.1)"),
    _row("sent", ANY, CONTRACT, "the platform doc: a login gives a token to call the API with"),
    _row("expires_in (seconds)", ANY, CONTRACT, "the platform doc: expires_in, seconds the token lives"),
    _row("body.token_type", TOKEN, CONTRACT, "the platform doc: token_type; RFC 6749 §5.1"),
    _row("body.access_token", TOKEN, CONTRACT, "the platform doc: access_token; RFC 6749 §5.1"),
    _row("body.expires_in", TOKEN, CONTRACT, "the platform doc: expires_in, a number of seconds"),
    _row("body.scope", ANY, COSMETIC, "RFC 6749 §5.1: scope is OPTIONAL when it is the one granted"),
    _row("body.error_description", ANY, COSMETIC, "RFC 6749 §5.2, RFC 6750 §3: OPTIONAL"),
    _row("body.error_uri", ANY, COSMETIC, "RFC 6749 §5.2, RFC 6750 §3: error_uri is OPTIONAL"),
    _row("body.error", BARE, COSMETIC, "RFC 6750 §3.1: no error code for a request without credentials"),
    _row("body.error", (*LOGINS, *PROTECTED), CONTRACT, "the error code (RFC 6749 §5.2, RFC 6750 §3.1)"),
    _row("body", LOGINS, CONTRACT, "RFC 6749 §5.1, §5.2: the token endpoint answers a JSON object"),
    _row("body*", ANY, COSMETIC, "a body the contract does not shape, or a member it does not name"),
    _row("header Content-Type", LOGINS, CONTRACT, "RFC 6749 §5.1, §5.2: application/json"),
    _row("header Content-Type", ANY, COSMETIC, "the media type of an answer the contract does not shape"),
    _row("header Cache-Control", TOKEN, RFC, 'RFC 6749 §5.1: a token answer MUST carry "no-store"'),
    _row("header Cache-Control", ANY, COSMETIC, "caching of an answer that holds no token"),
    _row("header Pragma", ANY, COSMETIC, "RFC 9111 §5.4 deprecates Pragma (advisory in the suite)"),
    _row("header WWW-Authenticate", PROTECTED, CONTRACT, "RFC 6750 §3: the challenge and its error code"),
    _row("header WWW-Authenticate", ANY, COSMETIC, "a challenge on a refused login (§5.2 asks none)"),
    _row("header Allow", ANY, RFC, "RFC 9110 §15.5.6: a 405 MUST carry Allow", kinds=("presence",)),
    _row("header Allow", ANY, COSMETIC, "which methods Allow lists besides POST (OPTIONS), in what order"),
    _row("header Retry-After", ANY, COSMETIC, "a hint on an answer whose status already says it"),
    _row("challenge params", ANY, COSMETIC, "RFC 6750 §3: these parameters are optional"),
    _row("challenge realm", ANY, COSMETIC, "RFC 6750 §3: a name for people, optional"),
)
UNLISTED = Severity(CONTRACT, "a fact the severity table does not name: treated as contract")


def severity_of(probe: str, fact: str, kind: str | None) -> Severity:
    """The tier and clause of a difference in `fact` of `probe`'s answer (the first row that matches)."""
    for row in TABLE:
        if (
            fnmatchcase(fact, row.fact)
            and (row.probes == ANY or probe in row.probes)
            and (not row.kinds or kind in row.kinds)
        ):
            return row.severity
    return UNLISTED


def fails(tier: str, fail_on: str) -> bool:
    """Whether a difference of `tier` fails a comparison run with `--fail-on fail_on`."""
    return TIERS.index(tier) <= TIERS.index(fail_on)
