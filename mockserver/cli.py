"""The command line: flags -> Settings -> a served mock."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from .extras import MissingExtra, require
from .settings import ConfigError, Settings, load_settings

__all__ = ["build_parser", "main", "preflight", "settings_from_args"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockserver",
        description="A mock of the platform's token endpoint and Bearer-protected API.",
        epilog="Every flag also reads from MOCKSERVER_<NAME> (e.g. MOCKSERVER_TOKEN_TTL) "
        "and from a TOML config file; flags win.",
    )
    add = parser.add_argument
    add("--config", metavar="FILE", help="TOML file of settings (also MOCKSERVER_CONFIG)")
    add("--host", help="address to bind (default 127.0.0.1)")
    add("--port", type=int, help="port to bind (default 8080; 0 for any free port)")
    add("--token-ttl", type=int, metavar="SECONDS", help="token lifetime (default 3600)")
    add("--users", metavar="FILE", help="users JSON file (default: the bundled demo users)")
    add("--routes", metavar="FILE", help="protected routes JSON file")
    add("--fake-users", type=int, metavar="N", help="add N users made by faker from --seed")
    add("--seed", type=int, help="seed for faker-made users and route data (default 1234)")
    add("--realm", help="realm named in WWW-Authenticate challenges")
    add("--invalid-grant-status", type=int, choices=(400, 401), help="status for bad logins")
    add(
        "--no-token-scope",
        dest="token_scope",
        action="store_const",
        const=False,
        help="leave the optional scope out of the token answer",
    )
    add(
        "--no-error-descriptions",
        dest="error_descriptions",
        action="store_const",
        const=False,
        help="leave the optional error_description out of error bodies and challenges",
    )
    add(
        "--no-error-cache-headers",
        dest="error_cache_headers",
        action="store_const",
        const=False,
        help="no Cache-Control: no-store or Pragma: no-cache on error answers",
    )
    add(
        "--control-token",
        help="require this Bearer token on the control API (also from any host); every local user "
        "sees flags in `ps`: prefer MOCKSERVER_CONTROL_TOKEN or --control-token-file",
    )
    add("--control-token-file", metavar="FILE", help="read the control token from the first line of FILE")
    add("--lockout-after", type=int, metavar="N", help="answer 429 after N wrong passwords (0: never)")
    add("--lockout-seconds", type=int, metavar="SECONDS", help="how long a lockout lasts (default 300)")
    add(
        "--journal-size",
        type=int,
        metavar="N",
        help="requests the journal keeps (default 1000; 0: no journal, for pure load targets)",
    )
    add("--store", metavar="URL", help="shared state: memory:, file:///dir or redis://host:port/db")
    add("--server", choices=("granian", "werkzeug"), help="HTTP server (default granian)")
    add("--workers", type=int, metavar="N", help="granian worker processes (default: one per core)")
    add(
        "--read-timeout",
        type=int,
        metavar="SECONDS",
        help="close a connection whose client sends nothing for this long (default 10)",
    )
    add(
        "--no-control",
        dest="control",
        action="store_const",
        const=False,
        help="turn off the /_mock/ control API",
    )
    add("--tls", action="store_const", const=True, help="serve HTTPS under a test CA made at start")
    add("--tls-cert", metavar="FILE", help="serve HTTPS under this certificate chain (PEM); with --tls-key")
    add("--tls-key", metavar="FILE", help="the private key (PEM) of --tls-cert")
    add("--quiet", dest="log_requests", action="store_const", const=False, help="no log line per request")
    add("--version", action="version", version=f"%(prog)s {_version()}")
    return parser


def _version() -> str:
    """The installed distribution's version (pyproject.toml writes it once); mockserver imports no
    authcontract module for it."""
    try:
        return version("authcontract")
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "0+unknown"


def settings_from_args(argv: Sequence[str] | None = None) -> Settings:
    args = vars(build_parser().parse_args(argv))
    config_file = args.pop("config")
    return load_settings(config_file=config_file, environ=os.environ, overrides=args)


FLAG_IN_PS_WARNING = (
    "mockserver: warning: --control-token shows in `ps` to every local user; "
    "prefer MOCKSERVER_CONTROL_TOKEN or --control-token-file"
)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        settings = settings_from_args(argv)
        preflight(settings)
        if build_parser().parse_args(argv).control_token is not None:
            print(FLAG_IN_PS_WARNING, file=sys.stderr)
        from .serving import request_log
        from .serving.serve import serve

        request_log.configure()

        serve(settings)  # a busy port is a ConfigError too, raised before anything is served
    except (ConfigError, MissingExtra) as error:
        print(f"mockserver: {error}", file=sys.stderr)
        return 2
    return 0


def preflight(settings: Settings) -> None:
    """Build the app once before serving: a bad users or routes file, or a store that cannot be
    reached, is then one line here rather than a traceback from every worker."""
    from .app import create_app

    if settings.server == "granian":
        require("granian", "serve")
    if settings.tls and settings.tls_cert is None:
        require("trustme", "tls")
    try:
        create_app(settings)
    except (OSError, ValueError, LookupError, TypeError) as error:
        raise ConfigError(f"cannot start: {error}") from None
