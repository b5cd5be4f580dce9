"""Parsing a model's files in worker processes (``load_model(..., jobs=N)``).

The loader's walk stays in the main process and decides everything a user
can see: which files, in which order, with which diagnostics, and every use
of the parse cache. Only the step from a file's bytes to its AST (or to its
syntax errors) may happen in a worker, ahead of the walk:

* when a file is parsed, the files it imports are *expected*, in the order
  the walk will reach them (a file's imports come before its parent's
  remaining ones, so they go to the front);
* the walk takes expected files from the front, parsing them itself, and the
  workers take them from the back, so the two sides meet in the middle and
  neither waits for the other before that;
* a worker is sent only the path: it reads the file itself (a big message
  would block on the pipe while the other side is busy parsing) and leaves
  its pickled result in a private temporary directory;
* when the walk reaches a file whose task a worker has not started, the main
  process revokes the task and parses the file itself; a task already started
  it waits for. A result counts only if the worker parsed the very bytes the
  main process read (a digest says so); on anything else (a crash, an error,
  a file changed in between) the main process parses the file inline, just
  as a serial load does.

Why the main process parses too, and why small files are never handed out:
a result costs its pickling in the worker (about 0.6x the parse of a
fast-path file) and its unpickling in the main process (about 0.4x). So a
worker saves the main process about half of a fast-path parse and nearly all
of a LALR parse (unpickling is under 0.1x of that); a main process that only
waited for workers would be slower than a serial load.

Measured on a two-CPU machine, ``jobs=2``, gc paused as the engine does,
100k spheres in 52 files (bench/generate.py --files 50): fast-path files
4.4 s serial -> 3.4 s; the same files sent through the LALR parser (a
one-line block appended to each) 22.6 s -> 13.5 s; a three-file model is not
forked at all (START_BYTES) and loads in 0.37 ms instead of 0.34. With another
CPU-bound process running, the fast-path model comes out between even and
10% slower than a serial load (the LALR one still gains a third).

Workers are forked: no re-import, no grammar rebuilt, about a millisecond
each. That is safe only while no other thread runs (one could hold a lock
the child then waits on forever), so elsewhere (Windows, macOS, a threaded
caller) the load is simply serial. ``jobs`` counts the main process
(``jobs=2`` is the main process and one worker) and is capped by the CPUs
this process may use: more processes than CPUs only take turns.
"""

from __future__ import annotations

import collections
import copyreg
import functools
import gc
import hashlib
import mmap
import operator
import os
import pickle
import signal
import stat
import struct
import sys
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NoReturn

import attrs

from ..diagnostics import Finding
from ..syntax import ParseFailure, ast
from ..syntax.parser import parse_bytes_source

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

# multiprocessing.connection, tempfile and shutil are imported when workers
# start: a model too small to fork does not pay their 8 ms.

#: Files smaller than this are parsed by the main process: the round trip
#: would cost about what the parse does.
MIN_TASK_BYTES = 16 * 1024
#: Workers start only once this many bytes of expected files wait: below it,
#: the fork and the hand-over cost about what they could save.
START_BYTES = 256 * 1024
#: Tasks a worker holds at once, so that it has the next one at hand while the
#: main process is busy parsing (revoking a task nobody started costs nothing).
DEPTH = 3

#: Workers run at this niceness: they only help, so they yield to everything else.
NICENESS = 10

_QUEUED, _STARTED, _REVOKED = 0, 1, 2  # a task's flag, in memory shared with the workers
_OK, _FAILED, _SKIPPED = 0, 1, 2  # a worker's answer
_TASK = struct.Struct("<I")  # slot, then the path and its real path, NUL between
_ANSWER = struct.Struct("<IB")  # slot, status

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


# ---------------------------------------------------------------- the worker side


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@functools.cache
def _dispatch_table() -> dict[type, Callable[[Any], tuple[Any, ...]]]:
    """Reducers for the AST classes: ``cls(*fields)``, as ``ast.frozen`` pickles
    them, with the fields read by one C call instead of a generator; that
    halves the cost of pickling a file (unpickling is the same)."""
    table: dict[type, Callable[[Any], tuple[Any, ...]]] = dict(copyreg.dispatch_table)  # type: ignore[arg-type]
    for cls in vars(ast).values():
        reduce = getattr(cls, "__reduce__", None)
        if isinstance(cls, type) and attrs.has(cls) and getattr(reduce, "__qualname__", "").startswith("frozen."):
            table[cls] = _reducer(cls)
    return table


def _reducer(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    names = [f.name for f in attrs.fields(cls)]
    get = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda node: (cls, (get(node),))
    return lambda node: (cls, get(node))


def _read(path: str, real: str, max_bytes: int) -> bytes | None:
    """The file's bytes, or ``None`` for anything but a regular file within
    the limit (the main process reports those), or for a path that no longer
    leads where the main process checked it did. Never blocks on a FIFO."""
    if os.path.realpath(path) != real:
        return None  # a link changed since the walk found it inside the project
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    with os.fdopen(os.open(path, flags), "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            return None  # swapped since the stat
        return fh.read(max_bytes + 1)


def _attempt(slot: int, path: str, real: str, flags: mmap.mmap, folder: str, max_bytes: int) -> int:
    """One task: parse ``path`` and leave ``(digest, result)`` in ``folder``."""
    if flags[slot] == _REVOKED:
        return _SKIPPED  # the main process got there first
    flags[slot] = _STARTED
    try:
        data = _read(path, real, max_bytes)
        if data is None:
            return _SKIPPED
        try:
            outcome: object = parse_bytes_source(data, path)
            status = _OK
        except ParseFailure as failure:
            outcome, status = failure.findings, _FAILED
        out = os.open(os.path.join(folder, str(slot)), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(out, "wb") as fh:
            pickler = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dispatch_table = _dispatch_table()
            pickler.dump((_digest(data), outcome))
        return status
    except Exception:  # noqa: BLE001 - whatever it was, the main process parses the file itself
        return _SKIPPED


def _serve(conn: Connection, flags: mmap.mmap, folder: str, max_bytes: int) -> None:
    """A worker's life: parse the files it is sent until the main process hangs up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    # the walk in the main process is the critical path: on a busy machine the
    # worker takes what CPU is left (measured: with one CPU hog on two cores,
    # jobs=2 went from 15% slower than serial to about even)
    os.nice(NICENESS)
    gc.disable()  # parse trees hold no cycles; reference counting frees them
    while True:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError):
            return
        (slot,) = _TASK.unpack_from(message)
        path, real = map(os.fsdecode, message[_TASK.size :].split(b"\0"))
        conn.send_bytes(_ANSWER.pack(slot, _attempt(slot, path, real, flags, folder, max_bytes)))


def _child(conn: Connection, inherited: Iterable[Connection], flags: mmap.mmap, folder: str,
           max_bytes: int) -> NoReturn:
    """The forked process: serve, then leave without running anything of the
    parent's (no atexit handlers, no flushing its buffered output twice)."""
    code = 1
    try:
        for other in inherited:
            other.close()
        _serve(conn, flags, folder, max_bytes)
        code = 0
    finally:
        os._exit(code)


# ---------------------------------------------------------------- the main side


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


@attrs.define(eq=False)
class _Expected:
    path: str
    real: str
    size: int


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
        self.seen = seen
        self.ahead: collections.deque[_Expected] = collections.deque()  # the front is reached soonest
        self.waiting: dict[str, int] = {}  # real path -> size, for expected files nobody took yet
        self.waiting_bytes = 0
        self.known: set[str] = set()
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
        fresh = []
        for path in paths:
            try:
                st = os.stat(path)
            except OSError:
                continue  # the walk reports it
            if not stat.S_ISREG(st.st_mode) or not MIN_TASK_BYTES <= st.st_size <= self.max_bytes:
                continue  # the main process's to read (or to refuse)
            real = os.path.realpath(path)
            if real in self.known or self.seen(real):
                continue
            self.known.add(real)
            self.waiting[real] = st.st_size
            self.waiting_bytes += st.st_size
            fresh.append(_Expected(path, real, st.st_size))
        self.ahead.extendleft(reversed(fresh))
        self.feed()

    def reached(self, real: str) -> None:
        """The walk has read the file (parsed it, found it in the cache or
        failed): a task for it is no longer wanted."""
        self.waiting_bytes -= self.waiting.pop(real, 0)
        task = self.tasks.get(real)
        if task is not None:
            self._forget(task)
        self.feed()

    def parse(self, data: bytes, path: str) -> Parsed:
        """What ``parse_bytes_source(data, path)`` gives (or raises), from a
        worker when one parsed these bytes, else parsed here and now."""
        task = self.tasks.get(os.path.realpath(path))
        found = self._result(task, data, path) if task is not None else None
        if task is not None:
            self._forget(task)
        if found is None:
            return parse_bytes_source(data, path)
        status, value = found
        if status == _FAILED:
            raise ParseFailure(value[0], tuple(value[1:]))
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stop the workers and remove what they left; later calls parse inline."""
        self.started = True  # never to start again
        for worker in self.workers:
            self._bury(worker)
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
        if not self.started and self.waiting_bytes >= START_BYTES and len(self.waiting) >= 2:
            self._start()
        if self.workers:
            self._collect(0)
            self._top_up()

    def _start(self) -> None:
        self.started = True  # once: a failed start leaves the load serial
        if not available():
            return
        import tempfile

        try:
            self.folder = tempfile.mkdtemp(prefix="spherelang-parse-")
            self.flags = mmap.mmap(-1, self.max_tasks)  # shared with the forked children
            # more processes than CPUs only take turns: measured, 3 on 2 CPUs is slower than 2
            for _ in range(min(self.jobs, cpus(), len(self.waiting)) - 1):
                self._fork()
        except OSError:
            pass  # no more processes or no temporary directory: fewer workers, or none

    def _fork(self) -> None:
        from multiprocessing.connection import Pipe

        assert self.flags is not None and self.folder is not None
        ours, theirs = Pipe()
        pid = os.fork()
        if pid == 0:
            _child(theirs, [ours, *(w.conn for w in self.workers)], self.flags, self.folder, self.max_bytes)
        theirs.close()
        self.workers.append(_Worker(pid, ours))

    def _top_up(self) -> None:
        for worker in self.workers:
            while worker.alive and worker.held < DEPTH:
                expected = self._take()
                if expected is None:
                    return
                self._send(worker, expected)

    def _take(self) -> _Expected | None:
        """The expected file the walk will reach last; never the next one."""
        while self.ahead and self.ahead[0].real not in self.waiting:
            self.ahead.popleft()  # reached already
        while len(self.ahead) > 1 and self.next_slot < self.max_tasks:
            expected = self.ahead.pop()
            size = self.waiting.pop(expected.real, None)
            if size is not None:
                self.waiting_bytes -= size
                return expected
        return None

    def _send(self, worker: _Worker, expected: _Expected) -> None:
        slot = self.next_slot
        self.next_slot += 1
        try:
            worker.conn.send_bytes(_TASK.pack(slot) + os.fsencode(expected.path) + b"\0" + os.fsencode(expected.real))
        except (OSError, ValueError):
            self._bury(worker)
            return
        task = _Task(slot, expected.path, expected.real, worker)
        self.tasks[expected.real] = self.by_slot[slot] = task
        worker.held += 1

    def _collect(self, timeout: float | None) -> None:
        """Take in the answers that have arrived, waiting up to ``timeout``
        seconds (``None``: until one does) when none has."""
        from multiprocessing.connection import wait

        live = {w.conn: w for w in self.workers if w.alive}
        if not live:
            return
        for conn in wait(list(live), timeout):
            worker = live[conn]  # type: ignore[index]
            try:
                while True:
                    slot, status = _ANSWER.unpack(worker.conn.recv_bytes())
                    worker.held -= 1
                    self._answer(slot, status)
                    if not worker.conn.poll():
                        break
            except (EOFError, OSError, struct.error):
                self._bury(worker)  # it crashed: its files are parsed here

    def _answer(self, slot: int, status: int) -> None:
        if slot in self.by_slot:
            self.answers[slot] = status
        else:
            self._remove(slot)  # a result nobody wants any more

    def _bury(self, worker: _Worker) -> None:
        """End a worker (done or broken) and forget the tasks it held."""
        if not worker.alive:
            return
        worker.alive = False
        worker.conn.close()
        for task in [t for t in self.tasks.values() if t.worker is worker and t.slot not in self.answers]:
            self._forget(task)
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
        status = self._await(task)
        if status not in (_OK, _FAILED) or self.folder is None:
            return None
        try:
            with open(os.path.join(self.folder, str(task.slot)), "rb") as fh:
                digest, value = pickle.load(fh)
        except Exception:  # noqa: BLE001 - a result we cannot read is parsed again
            return None
        if digest != _digest(data):
            return None  # the file changed between the two reads
        return (status, value) if _well_formed(status, value) else None

    def _await(self, task: _Task) -> int | None:
        """The task's status once answered; ``None`` when the main process had
        better parse the file itself (the task not started, or its worker gone)."""
        self._collect(0)
        while task.slot not in self.answers:
            if not task.worker.alive or self.flags is None:
                return None
            if self.flags[task.slot] != _STARTED and not self.patient:
                return None
            self._collect(None)
            self._top_up()
        return self.answers[task.slot]

    def _forget(self, task: _Task) -> None:
        """The task is no longer wanted: revoke it, or remove its result."""
        self.tasks.pop(task.real, None)
        self.by_slot.pop(task.slot, None)
        if self.answers.pop(task.slot, None) is not None:
            self._remove(task.slot)
        elif self.flags is not None:
            self.flags[task.slot] = _REVOKED

    def _remove(self, slot: int) -> None:
        if self.folder is None:
            return
        try:
            os.unlink(os.path.join(self.folder, str(slot)))
        except OSError:
            pass


def _well_formed(status: int, value: object) -> bool:
    """A parsed file and its fast-path flag, or the syntax errors found."""
    if status == _OK:
        return isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], ast.File) \
            and isinstance(value[1], bool)
    return isinstance(value, tuple) and bool(value) and all(isinstance(d, Finding) for d in value)
