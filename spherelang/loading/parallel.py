"""Parsing a model's files in worker processes (``load_model(..., jobs=N)``).

The loader's walk stays in the main process and decides everything a user
can see: which files, in which order, with which diagnostics, and every use
of the parse cache. Only the step from a file's bytes to its AST (or to its
syntax errors) may happen in a worker, ahead of the walk:

* when a file is parsed, the files it imports are *expected*, and the walk
  and the workers take them from opposite ends (:mod:`.prefetch_queue`);
* a worker is sent only the path: it reads the file itself and leaves its
  pickled result in a private temporary directory (:mod:`.prefetch_worker`,
  :mod:`.prefetch_protocol`);
* when the walk reaches a file whose task a worker has not started, the main
  process revokes the task and parses the file itself; a task already started
  it waits for. A result counts only if the worker parsed the very bytes the
  main process read (a digest says so); on anything else (a crash, an error,
  a file changed in between) the main process parses the file inline, just
  as a serial load does.

This module is the main process's side, :class:`Prefetcher`, which forks the
workers, hands them tasks and takes their results.

Why the main process parses too, and why small files are never handed out:
a result costs its pickling in the worker and its unpickling in the main
process. Unpickling costs a good part of a fast-path parse but little of a
LALR parse, so a worker saves the main process part of a fast-path parse and
nearly all of a LALR parse; a main process that only waited for workers
would be slower than a serial load, and for a small file the round trip
costs about what the parse does.

Workers are forked: no re-import, no grammar rebuilt, so they start at once.
That is safe only while no other thread runs (one could hold a lock the
child then waits on forever), so elsewhere (Windows, macOS, a threaded
caller) the load is simply serial. ``jobs`` counts the main process
(``jobs=2`` is the main process and one worker) and is capped by the CPUs
this process may use: more processes than CPUs only take turns.
"""

from __future__ import annotations

import mmap
import os
import signal
import stat
import struct
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from ..syntax import ParseFailure, ast
from ..syntax.parser import parse_bytes_source
from .prefetch_protocol import (
    FAILED,
    PARSED,
    TASK_REVOKED,
    TASK_STARTED,
    content_digest,
    decode_answer,
    encode_task,
    is_well_formed,
    read_result,
    result_path,
)
from .prefetch_queue import ExpectedFile, ExpectedFiles
from .prefetch_worker import WorkerSetup, parse_task, read_task_file, run_worker

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

# multiprocessing.connection, tempfile and shutil are imported when workers
# start: a model too small to fork does not pay for importing them.

#: Files smaller than this are parsed by the main process: the round trip
#: would cost about what the parse does.
MIN_TASK_BYTES = 16 * 1024
#: Workers start only once this many bytes of expected files wait: below it,
#: the fork and the hand-over cost about what they could save.
START_BYTES = 256 * 1024
#: Tasks a worker holds at once, so that it has the next one at hand while the
#: main process is busy parsing (revoking a task nobody started costs nothing).
DEPTH = 3

#: How a worker reads a file it is sent, and what it does with one task. Both
#: are handed to each worker as it is forked, so that replacing them here (as
#: the tests do, to make workers fail) reaches the workers.
_read = read_task_file
_attempt = parse_task

Parsed = tuple[ast.File, bool]


def cpus() -> int:
    """The CPUs this process may run on (its affinity mask where known)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def available() -> bool:
    """Whether workers can be forked safely here: ``fork`` exists, this is not
    macOS (where system libraries may break in a forked child) and no other
    thread runs."""
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


@attrs.define(eq=False)
class _Worker:
    pid: int
    conn: Connection
    held: int = 0  # tasks sent and not yet answered
    alive: bool = True


@attrs.define(eq=False)
class _Task:
    slot: int
    path: str
    real: str
    worker: _Worker


class Prefetcher:
    """Hands the files a walk is expected to reach to worker processes and
    gives their results back when the walk gets there.

    ``seen(real)`` tells whether the walk has already reached a file (by its
    real path); such a file is never handed out.
    """

    #: Wait for a task even when no worker has started it (the tests' way to
    #: make workers answer for files that are parsed in no time).
    patient = False

    def __init__(self, jobs: int, max_bytes: int, max_files: int, seen: Callable[[str], bool]) -> None:
        self.jobs = jobs
        self.max_bytes = max_bytes
        self.max_tasks = max(1, max_files)
        self.expected = ExpectedFiles(seen)
        self.tasks: dict[str, _Task] = {}  # real path -> task still wanted
        self.by_slot: dict[int, _Task] = {}
        self.answers: dict[int, int] = {}  # slot -> status, for tasks still wanted
        self.workers: list[_Worker] = []
        self.started = False
        self.flags: mmap.mmap | None = None
        self.folder: str | None = None
        self.next_slot = 0

    # ---------------------------------------------------------- what the walk says

    def expect(self, paths: Iterable[str]) -> None:
        """The files a just-parsed file imports, in order: they come next."""
        self.expected.put_next(self._worth_a_task(paths))
        self.feed()

    def _worth_a_task(self, paths: Iterable[str]) -> Iterator[tuple[str, str, int]]:
        """``(path, real path, size)`` of the regular files big enough to be
        worth a worker's time and small enough to be loaded at all."""
        for path in paths:
            try:
                st = os.stat(path)
            except OSError:
                continue  # the walk reports it
            if not stat.S_ISREG(st.st_mode) or not MIN_TASK_BYTES <= st.st_size <= self.max_bytes:
                continue  # the main process's to read (or to refuse)
            yield path, os.path.realpath(path), st.st_size

    def reached(self, real: str) -> None:
        """The walk has read the file (parsed it, found it in the cache or
        failed): a task for it is no longer wanted."""
        self.expected.mark_reached(real)
        task = self.tasks.get(real)
        if task is not None:
            self._drop_task(task)
        self.feed()

    def parse(self, data: bytes, path: str) -> Parsed:
        """What ``parse_bytes_source(data, path)`` gives (or raises), from a
        worker when one parsed these bytes, else parsed here and now."""
        task = self.tasks.get(os.path.realpath(path))
        found = self._result(task, data, path) if task is not None else None
        if task is not None:
            self._drop_task(task)
        if found is None:
            return parse_bytes_source(data, path)
        status, value = found
        if status == FAILED:
            raise ParseFailure(value[0], tuple(value[1:]))
        parsed: Parsed = value  # is_well_formed checked its shape
        return parsed

    def close(self) -> None:
        """Stop the workers and remove what they left; later calls parse inline."""
        self.started = True  # never to start again
        for worker in self.workers:
            self._stop_worker(worker)
        self.tasks.clear()
        self.by_slot.clear()
        self.answers.clear()
        if self.folder is not None:
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)
        if self.flags is not None:
            self.flags.close()
        self.folder = self.flags = None

    # ---------------------------------------------------------- workers

    def feed(self) -> None:
        """Start the workers once there is enough to do; keep each one busy."""
        if not self.started and self.expected.waiting_bytes >= START_BYTES and self.expected.waiting_files >= 2:
            self._start()
        if self.workers:
            self._receive_answers(0)
            self._send_more_tasks()

    def _start(self) -> None:
        self.started = True  # once: a failed start leaves the load serial
        if not available():
            return
        import tempfile

        try:
            self.folder = tempfile.mkdtemp(prefix="spherelang-parse-")
            self.flags = mmap.mmap(-1, self.max_tasks)  # shared with the forked children
            # more processes than CPUs only take turns, which is slower than fewer
            for _ in range(min(self.jobs, cpus(), self.expected.waiting_files) - 1):
                self._fork()
        except OSError:
            pass  # no more processes or no temporary directory: fewer workers, or none

    def _fork(self) -> None:
        """Start one worker process."""
        from multiprocessing.connection import Pipe

        assert self.flags is not None and self.folder is not None
        ours, theirs = Pipe()
        setup = WorkerSetup(self.flags, self.folder, self.max_bytes, _read)
        pid = os.fork()
        if pid == 0:
            run_worker(theirs, [ours, *(w.conn for w in self.workers)], setup, _attempt)
        theirs.close()
        self.workers.append(_Worker(pid, ours))

    def _send_more_tasks(self) -> None:
        """Send each live worker tasks until it holds :data:`DEPTH` of them."""
        for worker in self.workers:
            while worker.alive and worker.held < DEPTH:
                expected = self._take()
                if expected is None:
                    return
                self._send(worker, expected)

    def _take(self) -> ExpectedFile | None:
        """The expected file the walk will reach last; never the next one."""
        if self.next_slot >= self.max_tasks:
            return None  # no slot left for its flag
        return self.expected.take_farthest()

    def _send(self, worker: _Worker, expected: ExpectedFile) -> None:
        slot = self.next_slot
        self.next_slot += 1
        try:
            worker.conn.send_bytes(encode_task(slot, expected.path, expected.real))
        except (OSError, ValueError):
            self._stop_worker(worker)
            return
        task = _Task(slot, expected.path, expected.real, worker)
        self.tasks[expected.real] = self.by_slot[slot] = task
        worker.held += 1

    def _receive_answers(self, timeout: float | None) -> None:
        """Take in the answers that have arrived, waiting up to ``timeout``
        seconds (``None``: until one does) when none has."""
        from multiprocessing.connection import wait

        # keyed by whatever wait() gives back (typed as any waitable): our connections
        live: dict[object, _Worker] = {w.conn: w for w in self.workers if w.alive}
        if not live:
            return
        for conn in wait([w.conn for w in live.values()], timeout):
            worker = live[conn]
            try:
                while True:
                    slot, status = decode_answer(worker.conn.recv_bytes())
                    worker.held -= 1
                    self._record_answer(slot, status)
                    if not worker.conn.poll():
                        break
            except (EOFError, OSError, struct.error):
                self._stop_worker(worker)  # it crashed: its files are parsed here

    def _record_answer(self, slot: int, status: int) -> None:
        if slot in self.by_slot:
            self.answers[slot] = status
        else:
            self._delete_result(slot)  # a result nobody wants any more

    def _stop_worker(self, worker: _Worker) -> None:
        """End a worker (done or broken) and forget the tasks it held."""
        if not worker.alive:
            return
        worker.alive = False
        worker.conn.close()
        for task in [t for t in self.tasks.values() if t.worker is worker and t.slot not in self.answers]:
            self._drop_task(task)
        try:
            os.kill(worker.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(worker.pid, 0)
        except OSError:
            pass

    # ---------------------------------------------------------- results

    def _result(self, task: _Task, data: bytes, path: str) -> tuple[int, Any] | None:
        """The worker's ``(status, value)`` for these very bytes, or ``None``."""
        if task.path != path:
            return None  # the same file reached by another name: its spans would differ
        status = self._await_answer(task)
        if status not in (PARSED, FAILED) or self.folder is None:
            return None
        try:
            digest, value = read_result(self.folder, task.slot)
        except Exception:  # noqa: BLE001 - a result we cannot read is parsed again
            return None
        if digest != content_digest(data):
            return None  # the file changed between the two reads
        return (status, value) if is_well_formed(status, value) else None

    def _await_answer(self, task: _Task) -> int | None:
        """The task's status once answered; ``None`` when the main process had
        better parse the file itself (the task not started, or its worker gone)."""
        self._receive_answers(0)
        while task.slot not in self.answers:
            if not task.worker.alive or self.flags is None:
                return None
            if self.flags[task.slot] != TASK_STARTED and not self.patient:
                return None
            self._receive_answers(None)
            self._send_more_tasks()
        return self.answers[task.slot]

    def _drop_task(self, task: _Task) -> None:
        """The task is no longer wanted: revoke it, or remove its result."""
        self.tasks.pop(task.real, None)
        self.by_slot.pop(task.slot, None)
        if self.answers.pop(task.slot, None) is not None:
            self._delete_result(task.slot)
        elif self.flags is not None:
            self.flags[task.slot] = TASK_REVOKED

    def _delete_result(self, slot: int) -> None:
        if self.folder is None:
            return
        try:
            os.unlink(result_path(self.folder, slot))
        except OSError:
            pass
