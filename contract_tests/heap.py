"""Keep what the imports built out of the garbage collector's way.

By the time the target is open, pytest, schemathesis, hypothesis and (for the bundled mock) Flask
have built some hundred thousand objects that live as long as the process. Every full collection
walks them all (pytest runs two at its end) and so does the interpreter's exit: about half a second
of a run. `gc.freeze()` moves them to the permanent generation, which no collection visits; it
is done once per process, so a process that runs the suite many times freezes only its start.
"""

from __future__ import annotations

import gc

__all__ = ["freeze_once"]

_frozen: list[bool] = []


def freeze_once() -> None:
    """Move every object alive now to the permanent generation, the first time only."""
    if not _frozen:
        gc.freeze()
        _frozen.append(True)
