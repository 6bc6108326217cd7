"""The peer mocks, as installed by `make bench-peers` into bench/.peers/, each on a free loopback port."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .processes import LOOPBACK, Server, free_port

__all__ = ["PEERS_DIR", "WIREMOCK_JOURNAL", "axa_server", "wiremock_server"]

PEERS_DIR = Path(__file__).resolve().parent / ".peers" / "node_modules"
WIREMOCK_JOURNAL = 1000  # entries kept, as the mock's own journal (settings.journal_size)


def axa_server(scratch: Path) -> Server:
    """axa's oauth2-mock-server, its own command line; it makes an RSA key at start (a few seconds)."""
    script = _installed(PEERS_DIR / "oauth2-mock-server" / "dist" / "oauth2-mock-server.mjs")
    port = free_port()
    command = [_program("node"), str(script), "-a", LOOPBACK, "-p", str(port)]
    return Server("axa oauth2-mock-server", command, port, scratch / "axa.log")


def wiremock_server(scratch: Path, *, journal: bool = True) -> Server:
    """WireMock standalone with one stub; its request journal bounded like the mock's, or off
    (`--no-request-journal`, beside the mock's `--journal-size 0`)."""
    jars = sorted((PEERS_DIR / "wiremock" / "build").glob("wiremock-standalone-*.jar"))
    jar = _installed(jars[-1] if jars else PEERS_DIR / "wiremock" / "build" / "wiremock-standalone.jar")
    name = "wiremock" if journal else "wiremock-no-journal"
    root = scratch / name
    (root / "mappings").mkdir(parents=True, exist_ok=True)
    (root / "mappings" / "me.json").write_text(json.dumps(_stub()), encoding="utf-8")
    port = free_port()
    command = [_program("java"), "-jar", str(jar), "--port", str(port), "--bind-address", LOOPBACK]
    command += ["--root-dir", str(root), "--disable-banner"]
    if journal:
        command += ["--max-request-journal-entries", str(WIREMOCK_JOURNAL)]
    else:
        command += ["--no-request-journal"]
    return Server(name, command, port, scratch / f"{name}.log")


def _stub() -> dict[str, object]:
    return {
        "request": {"method": "GET", "url": "/me", "headers": {"Authorization": {"matches": "Bearer .+"}}},
        "response": {
            "status": 200,
            "jsonBody": {"username": "demo", "permissions": ["accounts:read"]},
            "headers": {"Content-Type": "application/json"},
        },
    }


def _installed(path: Path) -> Path:
    if not path.exists():
        raise RuntimeError(f"{path} is missing: `make bench-peers` installs the peers into bench/.peers/")
    return path


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed")
    return found
