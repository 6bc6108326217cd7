"""`authcontract load --run-time`: counted from the moment every user is up, on a fresh clock.

Locust's own `--run-time` is a gevent timer armed while Locust starts, against the event loop's idea of
the time, which is not updated while the start-up works (imports, the locustfile's init listeners). On a
busy machine that idea is seconds old, so the timer is due, or nearly, when the users start: a 5 s run
ended 0.4 s after its users started, before any answer came back, and gave no verdict. Here the time
counts from Locust's `spawning_complete` (every user started, on every worker), after the loop's clock
is brought up to date. Only Locust's imports happen here: this module is for `locustfile.py`.
"""

from __future__ import annotations

import logging
from typing import Any

import gevent
from locust.env import Environment

__all__ = ["end_after_spawning"]

log = logging.getLogger("authcontract.load")


def end_after_spawning(environment: Environment, seconds: float) -> None:
    """End the run `seconds` after the first `spawning_complete`: quit when headless, else stop the
    users and leave the web UI up (as Locust does with --run-time). Later spawns do not re-arm it."""
    armed: list[gevent.Greenlet] = []

    def arm(**_: Any) -> None:
        if armed:
            return
        gevent.get_hub().loop.update_now()
        armed.append(gevent.spawn_later(seconds, _end, environment, seconds))

    environment.events.spawning_complete.add_listener(arm)


def _end(environment: Environment, seconds: float) -> None:
    runner = environment.runner
    if runner is None:
        return
    log.info("authcontract load: run time reached (%g s after every user was up), stopping", seconds)
    options = environment.parsed_options
    if options is not None and getattr(options, "headless", False):
        runner.quit()
    else:
        runner.stop()
