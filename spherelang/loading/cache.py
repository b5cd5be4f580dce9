"""A per-project parse cache (``.sphere_cache/`` in the project root, like
``.ruff_cache``; for a file in no project, a private folder of the user's cache
directory, see :func:`cache_home`), keyed by the file's bytes, the tool
version and the parser's own source.

Only files that needed the full LALR parser are stored: a file the fast path
takes parses about as fast as its pickle loads, so caching it would only cost
a write.

Loading trusts nothing it did not write itself. The cache lives inside the
checked repository, where anyone can commit files, so ownership and modes
prove nothing: every entry carries an HMAC made with a key that never leaves
the user's own cache directory (``~/.cache/spherelang/key``, mode 0600), and
nothing is unpickled unless its HMAC verifies. The directories must be real
directories (not symlinks), owned by the user and writable by no one else;
anything unreadable, corrupt or foreign is ignored and rebuilt. Without a
usable key there is no cache.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import pickle
import stat
import tempfile
from pathlib import Path

from ..version import __version__
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


def file_digest(path: str, data: bytes) -> str:
    """A file as read, its path and its bytes: the one hash every cache keys on
    (taken once per file and run; the bytes are not copied to hash them)."""
    digest = hashlib.sha256(os.fsencode(path) + b"\0")
    digest.update(data)
    return digest.hexdigest()


def _user_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "spherelang")


def cache_home(root: str, marked: bool) -> str | None:
    """Where the caches of the project at ``root`` live: in a project marked by
    ``sphere.toml`` or ``pyproject.toml``, its own ``.sphere_cache`` (like
    ``.ruff_cache``); for a file outside any project, a private folder of the
    user's cache directory named by the root's absolute path, so that a model
    in a downloads folder or ``/tmp`` is cached too without writing beside it.
    ``None`` when that folder cannot be made safely."""
    if marked:
        return root
    digest = hashlib.sha256(os.fsencode(os.path.abspath(root))).hexdigest()[:24]
    folder = _user_cache_dir()
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)  # as for the signing key
        for step in (folder, os.path.join(folder, "projects"), os.path.join(folder, "projects", digest)):
            if not os.path.lexists(step):  # one level at a time: never create through a link
                os.mkdir(step, 0o700)
            if not _safe_dir(step):
                return None
    except OSError:
        return None
    return step


@functools.cache
def _key() -> bytes | None:
    """The user's secret for signing cache entries (made once, kept private)."""
    folder = _user_cache_dir()
    path = os.path.join(folder, "key")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not _safe_dir(folder):
            return None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(os.urandom(32))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            if not _safe_file(fh.fileno()) or os.fstat(fh.fileno()).st_mode & 0o077:
                return None
            key = fh.read(64)
        return key if len(key) >= 32 else None
    except OSError:
        return None


def _sign(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


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


class SignedStore:
    """Signed pickles in ``.sphere_cache/v1`` of one project root: the storage
    under both the parse cache and the result cache (:mod:`.results`)."""

    def __init__(self, root: str) -> None:
        self.dir = os.path.join(root, DIRNAME, "v1")

    def _dirs_safe(self) -> bool:
        """Both levels are real directories of ours (a committed symlink is not)."""
        return _safe_dir(os.path.dirname(self.dir)) and _safe_dir(self.dir)

    def load(self, name: str) -> object | None:
        """The object stored as ``name``, or ``None`` (absent, foreign, corrupt)."""
        secret = _key()
        if secret is None or not self._dirs_safe():
            return None
        try:
            fd = os.open(os.path.join(self.dir, name), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            if not _safe_file(fd):
                return None
            with os.fdopen(fd, "rb") as fh:
                fd = -1
                data = fh.read()
            if not data.startswith(_MAGIC):
                return None
            mac, payload = data[len(_MAGIC) : len(_MAGIC) + 32], data[len(_MAGIC) + 32 :]
            if not hmac.compare_digest(mac, _sign(secret, payload)):
                return None  # not written by this user: never unpickled
            entry: object = pickle.loads(payload)
            return entry
        except Exception:  # noqa: BLE001 - a corrupt entry is a miss, rebuilt by the caller
            return None
        finally:
            if fd >= 0:
                os.close(fd)

    def save(self, name: str, value: object) -> None:
        secret = _key()
        if secret is None:
            return
        try:
            top = os.path.dirname(self.dir)
            for folder in (top, self.dir):  # one level at a time: never create through a link
                if not os.path.lexists(folder):
                    os.mkdir(folder, 0o700)
                if not _safe_dir(folder):
                    return
            self._write_gitignore(os.path.join(top, ".gitignore"))
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(_MAGIC + _sign(secret, payload) + payload)
                os.replace(tmp, os.path.join(self.dir, name))
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            return  # a read-only checkout simply runs without a cache

    @staticmethod
    def _write_gitignore(path: str) -> None:
        try:  # never through a link, never over an existing file
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError:
            return
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("# written by spherelang: the parse cache is not for version control\n*\n")


class ParseCache:
    """Get and put parsed files for one project root."""

    def __init__(self, root: str) -> None:
        self.store = SignedStore(root)
        self.dir = self.store.dir
        self.hits = 0
        self.misses = 0

    def key(self, data: bytes, path: str) -> str:
        return self.key_for(file_digest(path, data))

    @staticmethod
    def key_for(digest: str) -> str:
        """The entry of a file whose :func:`file_digest` is ``digest``, for this parser."""
        return hashlib.sha256(_parser_fingerprint() + digest.encode()).hexdigest()

    def get(self, key: str) -> ast.File | None:
        found = self.store.load(key)
        if isinstance(found, ast.File):
            self.hits += 1
            return found
        self.misses += 1
        return None

    def put(self, key: str, parsed: ast.File) -> None:
        self.store.save(key, parsed)
