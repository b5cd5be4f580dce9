"""Loading a model: the entry file and, transitively, what it imports.

Imports resolve relative to the importing file and may be globs. Each file is
read once (diamonds share it), in post-order so that a file comes after the
files it imports. Nothing outside the project root is ever opened: the real
path (symlinks resolved) is checked before reading. The walk is iterative, so
import chains cannot exhaust the interpreter's stack.

With ``jobs`` > 1 the files may be parsed ahead of the walk in worker
processes (:mod:`.parallel`); the walk itself, and so everything it reports,
stays the same.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import attrs

from ..config import DEFAULT_LIMITS, Limits
from ..diagnostics import Finding, Span
from ..syntax import ParseFailure, ast
from ..syntax.parser import parse_bytes_source
from .cache import ParseCache, cache_home, file_digest
from .globs import BadGlob, glob_base, safe_glob

if TYPE_CHECKING:
    from .parallel import Parsed, Prefetcher

PROJECT_MARKERS = ("sphere.toml", "pyproject.toml")
_GLOB_CHARS = frozenset("*?[")




@attrs.frozen(slots=True)
class LoadedModel:
    """The files of one model (post-order) and what went wrong loading them."""

    entry: str
    root: str
    files: tuple[ast.File, ...]
    findings: tuple[Finding, ...]

    @property
    def broken(self) -> bool:
        """A syntax or encoding error: the model gets no diagnostics but these."""
        return any(d.code in ("SPH001", "SPH005") for d in self.findings)


def find_project_root(entry: str) -> str:
    """The nearest directory above ``entry`` holding ``sphere.toml`` or
    ``pyproject.toml``; else the entry file's own directory."""
    start = os.path.dirname(os.path.abspath(entry))
    here = start
    while True:
        if any(os.path.isfile(os.path.join(here, m)) for m in PROJECT_MARKERS):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return start
        here = parent


def _error(code: str, message: str, span: Span, hint: str | None = None) -> Finding:
    return Finding(code, message, span, hint=hint)


def _inside(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives on Windows
        return False


class Loader:
    """The walk over one model's imports (see the module docstring).

    :meth:`parse_data` is the one step a subclass may replace: the result
    cache's discovery walk looks each file's import statements up instead of
    parsing it, and must otherwise walk exactly as a load does.
    """

    def __init__(self, entry: str, root: str, limits: Limits, cache: ParseCache | None = None,
                 jobs: int = 1, digests: dict[str, str] | None = None,
                 given: Mapping[str, str | bytes | ast.File] | None = None) -> None:
        #: Files whose content the caller holds (absolute path -> text, bytes or parsed file):
        #: read from here instead of the disk, as an editor's unsaved buffer or ``loads``.
        self.given = {os.path.abspath(p): f for p, f in (given or {}).items()}
        self.cache = cache
        self.digests = digests  # path -> file_digest of the bytes parsed (for the result cache)
        self.entry = os.path.abspath(entry)
        self.root = root
        self.real_root = os.path.realpath(root)
        self.limits = limits
        self.files: list[ast.File] = []
        self.findings: list[Finding] = []
        self.state: dict[str, str] = {}  # real path -> "active" | "done"
        self.prefetch: Prefetcher | None = None
        if jobs > 1:
            from .parallel import Prefetcher  # not imported by a serial load: it costs start-up time

            self.prefetch = Prefetcher(jobs, limits.max_file_bytes, limits.max_files, self.state.__contains__)

    # -------------------------------------------------------------- reading

    def read(self, path: str, at: Span | None) -> ast.File | None:
        """Parse one file; any failure becomes a diagnostic (at ``at`` for the
        import that named it, or in the file itself for its content)."""
        where = at or Span(path, 1, 1, 1, 1)
        if path in self.given:
            return self.read_given(path, self.given[path], where)
        try:
            st = os.stat(path)
        except OSError as exc:
            self.findings.append(_error("SPH002", f"cannot read {_show(path)}: {exc.strerror or exc}", where))
            return None
        if not stat.S_ISREG(st.st_mode):
            what = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            self.findings.append(_error("SPH002", f"{_show(path)} is {what}", where,
                                           "import names .sphere files (a glob like 'dir/*.sphere' takes many)"))
            return None
        if st.st_size > self.limits.max_file_bytes:
            self.too_large(path, st.st_size, where)
            return None
        try:
            with open(path, "rb") as fh:
                data = fh.read(self.limits.max_file_bytes + 1)
        except OSError as exc:
            self.findings.append(_error("SPH002", f"cannot read {_show(path)}: {exc.strerror or exc}", where))
            return None
        digest = None
        if self.cache or self.digests is not None or self.wants_digest:
            digest = file_digest(path, data)
            if self.digests is not None:
                self.digests[path] = digest
        return self.parse_data(data, path, digest)

    def too_large(self, path: str, size: int, where: Span) -> None:
        self.findings.append(_error(
            "SPH006", f"{_show(path)} is {size:,} bytes, over the limit of "
            f"{self.limits.max_file_bytes:,}", where, "split the model into files joined with 'within'"))

    def read_given(self, path: str, content: str | bytes | ast.File, where: Span) -> ast.File | None:
        if isinstance(content, ast.File):
            return attrs.evolve(content, path=path) if content.path != path else content
        if isinstance(content, bytes):  # standard input: decoded as a file is (SPH005 when it is not UTF-8)
            if len(content) > self.limits.max_file_bytes:
                self.too_large(path, len(content), where)
                return None
            return self.parse_data(content, path, None)
        # lone surrogates cannot be UTF-8: kept as bytes that are not, they are SPH005
        data = content.encode("utf-8", "surrogatepass")
        if len(data) > self.limits.max_file_bytes:  # an editor's buffer is held to the limit a file is
            self.too_large(path, len(data), where)
            return None
        return self.parse_data(data, path, None)

    #: Whether :meth:`parse_data` needs the file's digest even without a cache.
    wants_digest = False

    def parse_data(self, data: bytes, path: str, digest: str | None) -> ast.File | None:
        """The file's AST from its bytes (through the parse cache, keyed on
        ``digest``), or ``None`` with its findings recorded."""
        key = self.cache.key_for(digest) if self.cache and digest is not None else ""
        if self.cache:
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        try:
            parsed, fast = self.parse_bytes(data, path)
        except ParseFailure as failure:
            self.findings.extend(failure.findings)
            return None
        if self.cache and not fast:
            self.cache.put(key, parsed)
        return parsed

    def parse_bytes(self, data: bytes, path: str) -> Parsed:
        """Bytes to AST: the one step that may have happened in a worker."""
        if self.prefetch is not None:
            return self.prefetch.parse(data, path)
        return parse_bytes_source(data, path)

    # -------------------------------------------------------------- imports

    def targets(self, importer: str, stmt: ast.ImportStmt) -> Iterator[str]:
        """The absolute paths an import names, or diagnostics for why none."""
        text = stmt.target
        if "\x00" in text or not text.strip():
            self.findings.append(_error("SPH002", "the import names no file", stmt.span,
                                           "write a path relative to this file"))
            return
        if "\\" in text:
            self.findings.append(_error("SPH002", f"import path {text!r} uses a backslash", stmt.span,
                                           "separate directories with '/'"))
            return
        base = os.path.dirname(importer)
        pattern = os.path.normpath(os.path.join(base, text))
        if _GLOB_CHARS & set(text):
            # refuse a walk outside the project before it starts: it would list the machine
            if self.refuse_outside(glob_base(pattern.replace(os.sep, "/")), text, stmt.span):
                return
            try:
                matches = safe_glob(pattern.replace(os.sep, "/"), self.limits.max_files)
            except BadGlob as exc:
                self.findings.append(_error("SPH002", f"the glob {text!r} is not a valid pattern ({exc})",
                                               stmt.span, "'*' matches a name, '**' any directories, "
                                               "'[abc]' one of the characters"))
                return
            if not matches:
                self.findings.append(_error("SPH002", f"the glob {text!r} matches no file", stmt.span,
                                               "check the pattern; it is relative to this file"))
            yield from (os.path.abspath(m) for m in matches)
            return
        if self.refuse_outside(pattern, text, stmt.span):
            return  # before looking: whether it exists outside is none of the model's business
        if not os.path.lexists(pattern) and pattern not in self.given:
            self.findings.append(_error("SPH002", f"no file {text!r}", stmt.span,
                                           f"the path is relative to {_show(base) or 'this file'}"))
            return
        yield pattern

    def refuse_outside(self, target: str, text: str, span: Span) -> bool:
        if _inside(os.path.realpath(target), self.real_root):
            return False
        root = _show(self.root) or "."
        if is_marked(self.root):
            hint = (f"the project root is {root} (the nearest directory with sphere.toml or pyproject.toml); "
                    "move the file inside it, or put the marker higher up")
        else:
            hint = (f"no sphere.toml or pyproject.toml marks a project above the entry file, so the root is its own "
                    f"directory, {root}; put an empty sphere.toml in a directory that encloses both files")
        self.findings.append(_error("SPH004", f"the import {text!r} resolves outside the project root", span, hint))
        return True

    # -------------------------------------------------------------- the walk

    def run(self) -> LoadedModel:
        if not _inside(os.path.realpath(self.entry), self.real_root):
            # a symlinked entry (met in a directory scan, say) leading out of the project
            self.findings.append(_error(
                "SPH004", f"{_show(self.entry)} resolves outside the project root", Span(self.entry, 1, 1, 1, 1),
                "check the file where it really lives, or remove the link"))
            return LoadedModel(self.entry, self.root, (), tuple(self.findings))
        try:
            first = self.read(self.entry, None)
            if first is not None:
                self.walk(first)
        finally:
            if self.prefetch is not None:
                self.prefetch.close()
        return LoadedModel(self.entry, self.root, tuple(self.files), tuple(self.findings))

    def walk(self, first: ast.File) -> None:
        self.state[os.path.realpath(first.path)] = "active"
        stack: list[tuple[ast.File, Iterator[tuple[str, ast.ImportStmt]]]] = [(first, self._imports(first))]
        while stack:
            current, pending = stack[-1]
            nxt = next(pending, None)
            if nxt is None:
                stack.pop()
                self.state[os.path.realpath(current.path)] = "done"
                self.files.append(current)
                continue
            target, stmt = nxt
            real = os.path.realpath(target)
            status = self.state.get(real)
            if status == "done":
                continue
            if status == "active":
                self.findings.append(_error(
                    "SPH003", f"import cycle: {_show(target)} is already being imported", stmt.span,
                    "break the cycle: move what both files need into a third file"))
                continue
            if len(stack) >= self.limits.max_import_depth:
                self.findings.append(_error(
                    "SPH006", f"imports nest deeper than {self.limits.max_import_depth} files", stmt.span))
                continue
            if len(self.state) >= self.limits.max_files:
                self.findings.append(_error("SPH006", f"the model holds more than {self.limits.max_files} files",
                                               stmt.span))
                continue
            self.state[real] = "active"
            parsed = self.read(target, stmt.span)
            if self.prefetch is not None:
                self.prefetch.reached(real)
            if parsed is None:
                self.state[real] = "done"
                continue
            stack.append((parsed, self._imports(parsed)))

    def _imports(self, file: ast.File) -> Iterator[tuple[str, ast.ImportStmt]]:
        """The files ``file`` imports, in order, each with the statement naming it."""
        if self.prefetch is None:
            return self._import_targets(file)
        events = self._import_events(file)
        self.prefetch.expect(found[0] for _, found in events if found is not None)
        return self._replay(events)

    def _import_events(self, file: ast.File) -> list[tuple[list[Finding], tuple[str, ast.ImportStmt] | None]]:
        """All of :meth:`_import_targets` at once (the prefetch needs the
        targets now), each target with the diagnostics made before it, so that
        :meth:`_replay` reports them exactly when the lazy walk would."""
        events: list[tuple[list[Finding], tuple[str, ast.ImportStmt] | None]] = []
        outer = self.findings
        self.findings = []
        try:
            for found in self._import_targets(file):
                events.append((self.findings, found))
                self.findings = []
            events.append((self.findings, None))
        finally:
            self.findings = outer
        return events

    def _replay(self, events: list[tuple[list[Finding], tuple[str, ast.ImportStmt] | None]]
                ) -> Iterator[tuple[str, ast.ImportStmt]]:
        for made, found in events:
            self.findings.extend(made)
            if found is not None:
                yield found

    def _import_targets(self, file: ast.File) -> Iterator[tuple[str, ast.ImportStmt]]:
        for stmt in file.imports:
            for target in self.targets(file.path, stmt):
                # a glob's match may still lead outside through a file symlink
                if not self.refuse_outside(target, stmt.target, stmt.span):
                    yield target, stmt


def _show(path: str) -> str:
    """A path for messages: relative to the working directory when inside it."""
    if not os.path.isabs(path):
        return path
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def load_model(entry: str, *, root: str | None = None, limits: Limits = DEFAULT_LIMITS,
               cache: bool = False, jobs: int = 1, digests: dict[str, str] | None = None,
               given: Mapping[str, str | bytes | ast.File] | None = None) -> LoadedModel:
    """Load ``entry`` and everything it imports (never raises for bad input).

    With ``cache``, parsed files are kept in the project root's ``.sphere_cache``
    (a directory marked by sphere.toml or pyproject.toml), or for a file in no
    project in the user's cache directory: never beside a stray file.

    With ``jobs`` > 1, up to ``jobs`` processes (this one included) parse the
    model's files; the result is the same as a serial load's. Workers start
    only for a model with enough to parse, and only where they can be forked
    safely (see :mod:`.parallel`). With ``digests``, the :func:`file_digest`
    of every file parsed is recorded there. ``given`` maps paths to content
    the caller holds (a text, bytes as read from standard input, or a file
    ``parse`` returned), read instead of the disk.
    """
    root = os.path.abspath(root) if root else find_project_root(entry)
    home = cache_home(root, is_marked(root)) if cache else None
    return Loader(entry, root, limits, ParseCache(home) if home else None, jobs, digests, given).run()


def is_marked(root: str) -> bool:
    """Whether ``root`` is a project (it holds sphere.toml or pyproject.toml)."""
    return any(os.path.isfile(os.path.join(root, m)) for m in PROJECT_MARKERS)
