"""A per-project parse cache (``.sphere_cache/`` in the project root, like
``.ruff_cache``), keyed by the file's bytes, the tool version and the parser's
own source.

Only files that needed the full LALR parser are stored: a file the fast path
takes parses about as fast as its pickle loads, so caching it would only cost
a write. Loading trusts nothing it did not write itself: the cache directory
and each entry must belong to the current user and be writable by no one else
(never unpickle from a shared or world-writable place), an entry must carry
the expected header, and anything unreadable, corrupt or foreign is ignored
and rebuilt.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import stat
import tempfile
from pathlib import Path

from .. import __version__
from ..syntax import ast

DIRNAME = ".sphere_cache"
_MAGIC = b"spherelang-parse-cache\n"


@functools.cache
def _parser_fingerprint() -> bytes:
    """The version, the grammar and the syntax package's code: a change to any
    of them makes every older entry foreign."""
    digest = hashlib.sha256(__version__.encode())
    syntax = Path(__file__).resolve().parents[1] / "syntax"
    for source in sorted(syntax.glob("*.py")):
        digest.update(source.read_bytes())
    from ..syntax.parser import grammar_path

    digest.update(grammar_path().read_bytes())
    return digest.digest()


def _safe_dir(path: str) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return stat.S_ISDIR(st.st_mode) and owner_ok and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _safe_file(fd: int) -> bool:
    st = os.fstat(fd)
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return stat.S_ISREG(st.st_mode) and owner_ok and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class ParseCache:
    """Get and put parsed files for one project root."""

    def __init__(self, root: str) -> None:
        self.dir = os.path.join(root, DIRNAME, "v1")
        self.hits = 0
        self.misses = 0

    def key(self, data: bytes, path: str) -> str:
        return hashlib.sha256(_parser_fingerprint() + os.fsencode(path) + b"\0" + data).hexdigest()

    def get(self, key: str) -> ast.File | None:
        if not _safe_dir(self.dir):
            return None
        try:
            fd = os.open(os.path.join(self.dir, key), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            self.misses += 1
            return None
        try:
            if not _safe_file(fd):
                return None
            with os.fdopen(fd, "rb") as fh:
                fd = -1
                if fh.read(len(_MAGIC)) != _MAGIC:
                    return None
                found = pickle.load(fh)  # our own entry in our own directory (checked above)
            if isinstance(found, ast.File):
                self.hits += 1
                return found
            return None
        except Exception:  # noqa: BLE001 - a corrupt entry is a miss, rebuilt below
            return None
        finally:
            if fd >= 0:
                os.close(fd)

    def put(self, key: str, parsed: ast.File) -> None:
        try:
            os.makedirs(self.dir, mode=0o700, exist_ok=True)
            if not _safe_dir(self.dir):
                return
            gitignore = os.path.join(os.path.dirname(self.dir), ".gitignore")
            if not os.path.exists(gitignore):
                with open(gitignore, "w", encoding="utf-8") as fh:
                    fh.write("# written by spherelang: the parse cache is not for version control\n*\n")
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC)
                pickle.dump(parsed, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, os.path.join(self.dir, key))
        except OSError:
            return  # a read-only checkout simply runs without a cache
