"""HTTPS for the mock: a certificate from a local test CA made at start (trustme), or a given one.

Real OAuth clients refuse plain http (requests-oauthlib raises InsecureTransportError), and RFC 6749
§3.2 requires TLS at the token endpoint, so a mock that clients test against should offer HTTPS.
The CA exists only for this run, in a private directory; tests trust it through `ca_bundle`.
"""

from __future__ import annotations

import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..extras import require
from ..settings import Settings

__all__ = ["LOOPBACK_NAMES", "TlsFiles", "server_context", "tls_files"]

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class TlsFiles:
    """Where the server's certificate chain and key are, and the CA a client must trust (if made here)."""

    cert: Path
    key: Path
    ca_bundle: Path | None = None
    made_in: Path | None = None  # the private directory of a test CA, removed with remove()

    def remove(self) -> None:
        if self.made_in is not None:
            shutil.rmtree(self.made_in, ignore_errors=True)


def tls_files(settings: Settings) -> TlsFiles | None:
    """The files to serve HTTPS with, or None for plain http. A test CA goes in a new private directory."""
    if settings.tls_cert is not None and settings.tls_key is not None:
        return TlsFiles(cert=settings.tls_cert, key=settings.tls_key)
    if not settings.tls:
        return None
    return make_test_ca(Path(tempfile.mkdtemp(prefix="authcontract-tls-")), settings.host)


def make_test_ca(directory: Path, host: str) -> TlsFiles:
    """A CA and a certificate it signs for the loopback names and `host`, written 0600 in `directory`."""
    trustme = require("trustme", "tls")
    authority = trustme.CA(organization_name="authcontract test CA")
    names = dict.fromkeys([*LOOPBACK_NAMES, *([host] if host not in ("0.0.0.0", "::") else [])])  # noqa: S104
    issued = authority.issue_cert(*names)
    ca_bundle = directory / "ca.pem"
    files = TlsFiles(
        cert=directory / "cert.pem",
        key=directory / "key.pem",
        ca_bundle=ca_bundle,
        made_in=directory,
    )
    _write_private(files.cert, b"".join(blob.bytes() for blob in issued.cert_chain_pems))
    _write_private(files.key, issued.private_key_pem.bytes())
    _write_private(ca_bundle, authority.cert_pem.bytes())
    return files


def server_context(files: TlsFiles) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(files.cert, files.key)
    return context


def _write_private(path: Path, data: bytes) -> None:
    """Created 0600, never chmod-ed later: no moment when another local user could read the key."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
