"""What the main process and a parse worker exchange (see :mod:`.parallel`).

Three channels, each kept small on purpose:

* a task's flag, one byte per task in memory shared with the workers: the
  main process revokes a task nobody started, a worker marks it started, so
  both know without a message whether to wait for it;
* messages on a pipe: a task is its slot and the file's path and real path
  (never the file's bytes: a big message would block on the pipe while the
  other side is busy parsing), an answer is the slot and a status;
* a result file per task in a private temporary directory, holding the digest
  of the bytes the worker parsed and what parsing them gave, pickled.
"""

from __future__ import annotations

import copyreg
import functools
import hashlib
import operator
import os
import pickle
import struct
from collections.abc import Callable
from typing import Any

import attrs

from ..diagnostics import Finding
from ..syntax import ast

#: A task's flag, in memory shared with the workers (a new mapping is all
#: zeros, so every task starts queued).
TASK_QUEUED, TASK_STARTED, TASK_REVOKED = 0, 1, 2
#: A worker's answer: the file parsed, its syntax errors found, or nothing to use.
PARSED, FAILED, SKIPPED = 0, 1, 2

_TASK = struct.Struct("<I")  # slot, then the path and its real path, NUL between
_ANSWER = struct.Struct("<IB")  # slot, status


def encode_task(slot: int, path: str, real: str) -> bytes:
    """The message asking a worker to parse ``path`` into result ``slot``."""
    return _TASK.pack(slot) + os.fsencode(path) + b"\0" + os.fsencode(real)


def decode_task(message: bytes) -> tuple[int, str, str]:
    """The slot, path and real path of a task message."""
    (slot,) = _TASK.unpack_from(message)
    path, real = map(os.fsdecode, message[_TASK.size :].split(b"\0"))
    return slot, path, real


def encode_answer(slot: int, status: int) -> bytes:
    """The message saying how the task in ``slot`` ended."""
    return _ANSWER.pack(slot, status)


def decode_answer(message: bytes) -> tuple[int, int]:
    """The slot and status of an answer; raises :class:`struct.error` on a
    message of the wrong size."""
    slot, status = _ANSWER.unpack(message)
    return slot, status


def content_digest(data: bytes) -> bytes:
    """What identifies a file's bytes, so that a result is used only for the
    very bytes the main process read."""
    return hashlib.blake2b(data, digest_size=16).digest()


def result_path(folder: str, slot: int) -> str:
    """Where the worker leaves the result of the task in ``slot``."""
    return os.path.join(folder, str(slot))


def write_result(folder: str, slot: int, digest: bytes, outcome: object) -> None:
    """Leave ``(digest, outcome)`` for the main process; the file must not exist."""
    out = os.open(result_path(folder, slot), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(out, "wb") as fh:
        pickler = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _ast_dispatch_table()
        pickler.dump((digest, outcome))


def read_result(folder: str, slot: int) -> tuple[bytes, Any]:
    """The ``(digest, outcome)`` a worker left; raises whatever reading or
    unpickling a damaged file raises."""
    with open(result_path(folder, slot), "rb") as fh:
        digest, value = pickle.load(fh)
    return digest, value


def is_well_formed(status: int, value: object) -> bool:
    """A parsed file and its fast-path flag, or the syntax errors found."""
    if status == PARSED:
        return isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], ast.File) \
            and isinstance(value[1], bool)
    return isinstance(value, tuple) and bool(value) and all(isinstance(d, Finding) for d in value)


@functools.cache
def _ast_dispatch_table() -> dict[type, Callable[[Any], str | tuple[Any, ...]]]:
    """Reducers for the AST classes: ``cls(*fields)``, as ``ast.frozen`` pickles
    them, with the fields read by one C call instead of a generator; that
    halves the cost of pickling a file (unpickling is the same)."""
    table: dict[type, Callable[[Any], str | tuple[Any, ...]]] = dict(copyreg.dispatch_table)
    for cls in vars(ast).values():
        reduce = getattr(cls, "__reduce__", None)
        if isinstance(cls, type) and attrs.has(cls) and getattr(reduce, "__qualname__", "").startswith("frozen."):
            table[cls] = _fields_reducer(cls)
    return table


def _fields_reducer(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A reducer giving ``(cls, (field, ...))`` for an attrs class."""
    names = [f.name for f in attrs.fields(cls)]
    get = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda node: (cls, (get(node),))
    return lambda node: (cls, get(node))
