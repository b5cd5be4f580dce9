"""Helpers shared by the robustness test modules: counted guards instead of clocks.

No test asserts a wall-clock time: on a busy machine a time limit fails for
reasons that have nothing to do with the code. Where a test guards against
runaway work (a quadratic scan, a re-parse per error, a hang on a FIFO, an
endless directory walk) it counts the work instead:

* :class:`Work` counts the function calls (Python and C) made in a block, a
  deterministic measure of the work done that does not depend on the machine;
* :func:`assert_linear` compares that count for an input and one ``factor``
  times larger, measured in the same run, with a generous allowance;
* :class:`Budget` raises once a counted event exceeds a limit, so that a runaway
  loop fails the test quickly instead of hanging the run;
* :func:`hang_guard` is the one clock left: a generous SIGALRM limit that only
  turns a hang into a failure, refused outside ``slow`` tests.

What these cannot see is work inside a single C call (a regular expression
that backtracks catastrophically is one ``re`` call): the multi-megabyte inputs
of the ``slow`` set exercise that. Absolute times belong to ``bench/``.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def examples(share: float = 1.0, least: int = 5) -> int:
    """``share`` of the hypothesis profile's ``max_examples`` (at least ``least``),
    for tests whose examples cost more (or less) than a typical one; the profile
    is loaded by ``tests/conftest.py`` before any test module is imported."""
    from hypothesis import settings

    return max(least, round(settings().max_examples * share))


class Work:
    """Counts the function calls (``call`` and ``c_call`` profile events) made by
    this thread inside the ``with`` block; ``calls`` holds the count."""

    def __init__(self) -> None:
        self.calls = 0
        self._old: Any = None

    def _profile(self, frame: object, event: str, arg: object) -> None:
        if event == "call" or event == "c_call":
            self.calls += 1

    def __enter__(self) -> Work:
        self._old = sys.getprofile()
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(self._old)


def count_calls(run: Callable[[], object]) -> int:
    with Work() as work:
        run()
    return work.calls


def assert_linear(make: Callable[[int], T], run: Callable[[T], object], size: int, *, factor: int = 8,
                  allowance: float = 2.5, what: str = "") -> tuple[int, int]:
    """The work of ``run(make(factor * size))`` is at most ``allowance * factor``
    times that of ``run(make(size))``: linear work gives a ratio of about
    ``factor`` (less, with a fixed cost), quadratic work ``factor ** 2``.

    A first run on a smaller input, not counted, pays for what is built once
    (lazy imports, the parser, caches keyed on the grammar)."""
    run(make(max(1, size // 4)))
    small = count_calls(lambda: run(make(size)))
    large = count_calls(lambda: run(make(factor * size)))
    assert small > 0, "nothing was counted"
    ratio = large / small
    print(f"{what or 'work'}: {small:,} calls at size {size:,}, {large:,} at {factor * size:,} (x{ratio:.2f})")
    assert ratio <= allowance * factor, (f"{what or 'work'} grows faster than the input: {small:,} calls at size "
                                         f"{size:,}, {large:,} at {factor * size:,} (x{ratio:.1f} for x{factor})")
    return small, large


class BudgetExceeded(BaseException):
    """A BaseException, so that no ``except Exception`` in the code under test
    (the CLI's last line of defence) can swallow it."""


class Budget:
    """Counts events (``tick(n)``) and raises :class:`BudgetExceeded` once they pass ``limit``."""

    def __init__(self, limit: int, what: str) -> None:
        self.limit = limit
        self.what = what
        self.used = 0

    def tick(self, n: int = 1) -> None:
        self.used += n
        if self.used > self.limit:
            raise BudgetExceeded(f"{self.what}: more than {self.limit:,}")


#: the running test item, set by an autouse fixture in tests/conftest.py
current_item: Any = None


@contextlib.contextmanager
def hang_guard(seconds: float = 600.0) -> Iterator[None]:
    """Stop the block (raise :class:`Hung`) after ``seconds``: only to turn an
    infinite loop or a blocked ``open`` into a failure instead of a stuck run,
    never to judge speed, and so allowed in ``slow`` tests only (the fast suite
    counts work instead). Off the main thread, or without ``setitimer``, the
    block simply runs."""
    item = current_item
    if item is not None and item.get_closest_marker("slow") is None:
        raise AssertionError(f"{item.nodeid}: a hang guard is a clock; only slow tests may have one")
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def fire(signum: int, frame: object) -> None:
        raise Hung(f"no answer within {seconds} s: a hang, not a slow machine")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class Hung(BaseException):
    """Raised by :func:`hang_guard`; a BaseException, so that no ``except Exception``
    in the code under test can swallow it."""
