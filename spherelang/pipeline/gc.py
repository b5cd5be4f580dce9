"""Pausing the cyclic garbage collector while a model is built and checked."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_state = {"pauses": 0, "was_enabled": True}


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a model is built and checked.

    A model is millions of small acyclic objects; every full collection would
    walk them all, which makes large models grow super-linearly. Reference
    counting still frees garbage; the collector resumes when the outermost
    pause ends (threads share one count).
    """
    with _lock:
        if _state["pauses"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["pauses"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["pauses"] -= 1
            if _state["pauses"] == 0 and _state["was_enabled"]:
                gc.enable()
