"""When documents are checked: after a pause in typing, one at a time, off
the event loop, and never with a stale answer.

- A change waits :data:`DEBOUNCE` seconds; another change in that time
  restarts the wait, so typing never queues checks.
- Checks run in one worker thread: the event loop keeps reading the
  editor's messages and answering hover, completion and the rest while a
  large model is checked. A check that has not started when a newer one is
  asked for is cancelled; one that is running finishes, and its result is
  dropped.
- Each request carries a generation per entry; only the result of the
  latest generation is applied, so a newer version of a document always
  wins.
- A change to a file re-checks every open document whose model read it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable, Iterable

from lsprotocol import types

from .analysis import Analysis, Request, analyse
from .diagnostics import Publisher
from .documents import Snapshot

log = logging.getLogger("spherelang.server")

#: Seconds to wait after a change before checking.
DEBOUNCE = 0.3

Publish = Callable[[str, list[types.Diagnostic], "int | None"], None]


class Checker:
    """The analyses of the open documents and the checks under way."""

    def __init__(self, snapshot: Callable[[], Snapshot], publish: Publish, tell: Callable[[str, str], None],
                 delay: float = DEBOUNCE) -> None:
        self.snapshot = snapshot
        self.publish = publish
        self.tell = tell  # (entry, message): a problem that is not a diagnostic
        self.delay = delay
        self.worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sphere-check")
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.generation: dict[str, int] = {}
        self.latest: dict[str, Analysis] = {}
        self.usable: dict[str, Analysis] = {}
        self.problems: dict[str, str] = {}
        self.publisher = Publisher()

    def dependents(self, path: str, missing: bool = False) -> list[str]:
        """The open documents whose last check read ``path`` (itself excluded);
        with ``missing``, also those that missed a file (SPH002): it may be this one."""
        return [entry for entry, found in self.latest.items() if entry != path and (
            path in found.files or (missing and any(d.code == "SPH002" for d in found.diagnostics)))]

    def opened(self, entry: str) -> None:
        self.schedule(entry, 0.0)
        self.schedule_all(self.dependents(entry, missing=True))

    def changed(self, entry: str) -> None:
        self.schedule(entry, self.delay)
        self.schedule_all(self.dependents(entry))

    def closed(self, entry: str) -> None:
        """Forget a document; the models that read its unsaved text read the disk again."""
        self.generation[entry] = self.generation.get(entry, 0) + 1  # a check under way is now stale
        task = self.pending.pop(entry, None)
        if task is not None:
            task.cancel()
        self.latest.pop(entry, None)
        self.usable.pop(entry, None)
        self.problems.pop(entry, None)
        self.publisher.forget(entry)
        self._publish(())
        self.schedule_all(self.dependents(entry, missing=True))

    def schedule_all(self, entries: Iterable[str], delay: float | None = None) -> None:
        for entry in entries:
            self.schedule(entry, self.delay if delay is None else delay)

    def schedule(self, entry: str, delay: float) -> None:
        generation = self.generation[entry] = self.generation.get(entry, 0) + 1
        task = self.pending.pop(entry, None)
        if task is not None:
            task.cancel()  # still waiting, or queued behind another check: it never runs
        self.pending[entry] = asyncio.ensure_future(self._run(entry, generation, delay))

    async def _run(self, entry: str, generation: int, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            snapshot = self.snapshot()
            if entry not in snapshot.documents:
                return
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(self.worker, analyse, Request(entry, snapshot, generation))
            if self.generation.get(entry) != generation:
                return  # a newer version was asked for meanwhile
            self.pending.pop(entry, None)
            self.apply(result)
        except Exception:  # noqa: BLE001 - a task's error would only be logged at exit; the server goes on
            log.exception("checking %s failed", entry)

    def apply(self, result: Analysis) -> None:
        entry = result.entry
        self.latest[entry] = result
        if result.usable:
            self.usable[entry] = result
        if result.problem is not None:
            if self.problems.get(entry) != result.problem:
                self.tell(entry, result.problem)
            self.problems[entry] = result.problem
            self.publisher.update(entry, {})
        else:
            self.problems.pop(entry, None)
            self.publisher.update(entry, result.published())
        self._publish((entry,), {entry: result.version})

    def _publish(self, always: Iterable[str], versions: dict[str, int | None] | None = None) -> None:
        for path, found in self.publisher.changes(always):
            self.publish(path, found, (versions or {}).get(path))

    def shutdown(self) -> None:
        for task in self.pending.values():
            task.cancel()
        self.worker.shutdown(wait=False, cancel_futures=True)
