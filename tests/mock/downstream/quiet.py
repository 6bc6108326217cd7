"""Runs first in the downstream project: the plugin has started and imported nothing yet."""

import sys
import threading


def test_nothing_started_or_imported_until_a_test_asks():
    assert "mockserver.testing" not in sys.modules
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("mockserver:")]
