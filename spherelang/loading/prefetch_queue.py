"""The files a load's walk is expected to reach, in the order it will reach
them (see :mod:`.parallel`).

When a file is parsed, the files it imports are expected next: a file's
imports come before its parent's remaining ones, so they go to the front.
The walk takes expected files from the front, parsing them itself, and the
workers take them from the back, so the two sides meet in the middle and
neither waits for the other before that.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable

import attrs


@attrs.define(eq=False)
class ExpectedFile:
    path: str
    real: str
    size: int


class ExpectedFiles:
    """Expected files not yet reached by the walk nor handed to a worker.

    ``seen(real)`` tells whether the walk has already reached a file (by its
    real path); such a file is never expected. A file is expected at most
    once per load, however many files import it.
    """

    def __init__(self, seen: Callable[[str], bool]) -> None:
        self._seen = seen
        self._ahead: collections.deque[ExpectedFile] = collections.deque()  # the front is reached soonest
        self._waiting: dict[str, int] = {}  # real path -> size, for expected files nobody took yet
        self._known: set[str] = set()
        #: The total size of the files waiting.
        self.waiting_bytes = 0

    @property
    def waiting_files(self) -> int:
        """How many expected files wait to be reached or taken."""
        return len(self._waiting)

    def put_next(self, files: Iterable[tuple[str, str, int]]) -> None:
        """``(path, real path, size)`` of files the walk reaches next, in
        order; files already expected or reached are left out."""
        fresh = []
        for path, real, size in files:
            if real in self._known or self._seen(real):
                continue
            self._known.add(real)
            self._waiting[real] = size
            self.waiting_bytes += size
            fresh.append(ExpectedFile(path, real, size))
        self._ahead.extendleft(reversed(fresh))

    def mark_reached(self, real: str) -> None:
        """The walk has reached the file: it no longer waits."""
        self.waiting_bytes -= self._waiting.pop(real, 0)

    def take_farthest(self) -> ExpectedFile | None:
        """The waiting file the walk will reach last, no longer waiting; never
        the one it reaches next, which the walk parses itself."""
        while self._ahead and self._ahead[0].real not in self._waiting:
            self._ahead.popleft()  # reached already
        while len(self._ahead) > 1:
            expected = self._ahead.pop()
            size = self._waiting.pop(expected.real, None)
            if size is not None:
                self.waiting_bytes -= size
                return expected
        return None
