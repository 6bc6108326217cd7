"""The WSGI entry point of a worker process: settings from MOCKSERVER_* variables, read once."""

from __future__ import annotations

import logging
import os

from flask import Flask

from ..app import create_app
from ..settings import load_settings

__all__ = ["app_from_environment"]


def app_from_environment() -> Flask:
    settings = load_settings(environ=os.environ)
    if settings.log_requests:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    return create_app(settings)
