"""A parse worker: a forked process that reads and parses the files it is sent
and leaves each result for the main process (see :mod:`.parallel`).

A worker reads a file itself, from its path, and parses exactly the bytes it
read; whatever goes wrong with one file (it is no longer a regular file, a
link now leads elsewhere, the parser raises something unexpected) makes the
answer :data:`~.prefetch_protocol.SKIPPED`, and the main process parses that
file itself.
"""

from __future__ import annotations

import gc
import mmap
import os
import signal
import stat
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NoReturn

import attrs

from ..syntax import ParseFailure
from ..syntax.parser import parse_bytes_source
from .prefetch_protocol import (
    FAILED,
    PARSED,
    SKIPPED,
    TASK_REVOKED,
    TASK_STARTED,
    content_digest,
    decode_task,
    encode_answer,
    write_result,
)

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

#: Workers run at this niceness: they only help, so they yield to everything else.
NICENESS = 10

#: How a worker reads a file: ``(path, real path, max bytes) -> bytes or None``.
FileReader = Callable[[str, str, int], bytes | None]


def read_task_file(path: str, real: str, max_bytes: int) -> bytes | None:
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


@attrs.frozen
class WorkerSetup:
    """What a worker shares with the main process and how it reads files."""

    flags: mmap.mmap  # each task's flag (:data:`~.prefetch_protocol.TASK_QUEUED` ...)
    folder: str       # where results are left
    max_bytes: int    # larger files are the main process's to refuse
    read: FileReader = read_task_file


def parse_task(slot: int, path: str, real: str, setup: WorkerSetup) -> int:
    """One task: parse ``path`` and leave ``(digest, result)`` in the results
    folder; returns the status to answer."""
    if setup.flags[slot] == TASK_REVOKED:
        return SKIPPED  # the main process got there first
    setup.flags[slot] = TASK_STARTED
    try:
        data = setup.read(path, real, setup.max_bytes)
        if data is None:
            return SKIPPED
        try:
            outcome: object = parse_bytes_source(data, path)
            status = PARSED
        except ParseFailure as failure:
            outcome, status = failure.findings, FAILED
        write_result(setup.folder, slot, content_digest(data), outcome)
        return status
    except Exception:  # noqa: BLE001 - whatever it was, the main process parses the file itself
        return SKIPPED


#: What a worker does with one task: ``(slot, path, real path, setup) -> status``.
TaskHandler = Callable[[int, str, str, WorkerSetup], int]


def serve_tasks(conn: Connection, setup: WorkerSetup, handle_task: TaskHandler = parse_task) -> None:
    """A worker's life: parse the files it is sent until the main process hangs up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    # The walk in the main process is the critical path: on a busy machine the
    # worker should take only what CPU is left, not compete with the walk.
    os.nice(NICENESS)
    gc.disable()  # parse trees hold no cycles; reference counting frees them
    while True:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError):
            return
        slot, path, real = decode_task(message)
        conn.send_bytes(encode_answer(slot, handle_task(slot, path, real, setup)))


def run_worker(conn: Connection, inherited: Iterable[Connection], setup: WorkerSetup,
               handle_task: TaskHandler = parse_task) -> NoReturn:
    """The body of the forked process: close the pipes of the other workers it
    inherited, serve, then leave without running anything of the parent's (no
    atexit handlers, no flushing its buffered output twice)."""
    code = 1
    try:
        for other in inherited:
            other.close()
        serve_tasks(conn, setup, handle_task)
        code = 0
    finally:
        os._exit(code)
