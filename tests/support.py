"""Helpers shared by the robustness test modules."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class Deadline(BaseException):
    """Raised by SIGALRM: a BaseException so that no ``except Exception`` in the
    code under test (the CLI's last line of defence) can swallow it."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail the block (raise :class:`Deadline`) when it takes longer than ``seconds``;
    a blocking ``open`` of a FIFO is interrupted too (PEP 475 lets the handler raise).
    Off the main thread, or without ``setitimer``, the block simply runs."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def fire(signum: int, frame: object) -> None:
        raise Deadline(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
