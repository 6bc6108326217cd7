"""GET /_mock/dashboard: a page that shows and drives the mock through the control API, nothing else.

The page and its two files hold no data: everything they show, they read from the control API with
the browser's own requests, which the control API's guards judge as any other. They are guarded as
the control API is (a name of the mock as Host, no cross-site page, loopback clients only while no
control token is set); with a control token set, the page asks for it and keeps it in memory.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from flask import Blueprint, Response, abort

from ..access import guard_control_api, refuse_cross_site, refuse_foreign_host
from ..current import state

__all__ = ["CONTENT_SECURITY_POLICY", "blueprint"]

blueprint = Blueprint("dashboard", __name__, url_prefix="/_mock/dashboard")

# Nothing from another host, no inline script or style, no framing (clickjacking), no form posts.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"
)
_FILES = {
    "": ("index.html", "text/html; charset=utf-8"),
    "dashboard.css": ("dashboard.css", "text/css; charset=utf-8"),
    "dashboard.js": ("dashboard.js", "text/javascript; charset=utf-8"),
    "favicon.svg": ("favicon.svg", "image/svg+xml"),  # else the browser asks the mock's /favicon.ico
}
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@blueprint.before_request
def guard() -> None:
    """The control API's guards; with a control token set, the data calls need it, not the page."""
    settings = state().settings
    if settings.control_token is None:
        guard_control_api(settings)
    refuse_foreign_host(settings)
    refuse_cross_site()


@blueprint.get("", defaults={"name": ""})
@blueprint.get("/<name>")
def page(name: str) -> Response:
    """The page or one of its files, from the package (a checkout or a wheel), with a strict CSP."""
    if name not in _FILES:
        abort(404)
    filename, mimetype = _FILES[name]
    response = Response(_read(filename), mimetype=mimetype)
    response.headers.update(_HEADERS)
    return response


@cache
def _read(filename: str) -> bytes:
    return files("mockserver.http").joinpath("dashboard", filename).read_bytes()
