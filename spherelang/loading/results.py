"""The result cache: what checking one entry file gave, reused while nothing
it depends on has changed (like ``ruff``'s or ``mypy``'s incremental caches).

Checking an entry is a function of

* the bytes of every file the model reads, their paths, and what the loader
  found on the way (missing imports, glob matches, cycles, limits),
* the configuration that shapes diagnostics, the scenario, the working
  directory (messages show paths relative to it),
* the tool itself (its version and every source file of the package and
  grammar) and the Python rules installed (their codes and source files).

The key hashes all of them. A run first *discovers* the model: the loader's
own walk, with each file's import statements taken from a small per-file
entry (keyed by the file's bytes) instead of a parse. If every file was known
and the key is stored, the stored result is the answer; otherwise the files
are parsed (from the bytes already read, so the result always matches the
key) and checked, and both the result and the import lists are stored.

Entries are signed like the parse cache's (:mod:`.cache`): nothing anyone
else wrote is ever unpickled. A Python rule whose source file cannot be read
(defined in ``__main__``, say) makes a run uncacheable; a rule must be a pure
function of the model, as the README says.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .. import __version__
from ..config import Config, Limits
from ..syntax import ast
from .cache import ParseCache, SignedStore
from .loader import PROJECT_MARKERS, LoadedModel, _Loader, find_project_root

T = TypeVar("T")


@functools.cache
def tool_fingerprint() -> bytes:
    """The version and the code of the whole package and its grammar."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(os.fsencode(source.relative_to(package)) + b"\0" + source.read_bytes())
    from ..syntax.parser import grammar_path

    digest.update(grammar_path().read_bytes())
    return digest.digest()


def config_fingerprint(config: Config) -> bytes:
    """What of the configuration changes one entry's diagnostics (not which
    entries a run checks, nor where the cache lives)."""
    shape = (config.select, config.ignore, sorted((c, s.name) for c, s in config.severity.items()),
             config.corridor_tolerance, config.elasticity_threshold, config.rule_budget, _limits(config.limits))
    return repr(shape).encode()


def _limits(limits: Limits) -> tuple[object, ...]:
    import attrs

    return attrs.astuple(limits)


def plugins_fingerprint() -> bytes | None:
    """The installed Python rules: code, severity, origin and the bytes of
    the module that defines each; ``None`` when one cannot be pinned down."""
    from ..rulelang.plugins import default_registry

    registry = default_registry()
    digest = hashlib.sha256(repr(registry.load_errors).encode())
    for rule in registry:
        module = sys.modules.get(getattr(rule.function, "__module__", "") or "")
        source = getattr(module, "__file__", None) if module is not None else None
        if not source:
            return None
        try:
            data = Path(source).read_bytes()
        except OSError:
            return None
        digest.update(repr((rule.code, rule.severity.name, rule.origin, source)).encode() + data)
    return digest.digest()


class _Discovery(_Loader):
    """The loader's walk, parsing only the files whose imports it does not know.

    Every file's bytes are kept until :meth:`finish`, so what is parsed is
    exactly what was hashed.
    """

    def __init__(self, entry: str, root: str, limits: Limits, cache: ParseCache | None,
                 store: SignedStore) -> None:
        super().__init__(entry, root, limits, cache)
        self.store = store
        self.read_order: list[tuple[str, str, str]] = []   # path, real path, digest
        self.pending: dict[str, bytes] = {}                # stub path -> bytes to parse
        self.fresh: list[tuple[str, tuple[ast.ImportStmt, ...]]] = []  # import lists to store
        self.failed = False

    def parse_data(self, data: bytes, path: str) -> ast.File | None:
        digest = hashlib.sha256(os.fsencode(path) + b"\0" + data).hexdigest()
        self.read_order.append((path, os.path.realpath(path), digest))
        name = _imports_name(digest)
        imports = self.store.load(name)
        if isinstance(imports, tuple) and all(isinstance(i, ast.ImportStmt) for i in imports):
            self.pending[path] = data
            return ast.File(path, None, imports, (), (), (), (), ())
        parsed = super().parse_data(data, path)
        if parsed is None:
            self.failed = True  # a broken file: cheap to check again, never stored
        else:
            self.fresh.append((name, parsed.imports))
        return parsed

    def key(self, loaded: LoadedModel, scenario: str | None, always_apply: bool, config: Config,
            plugins: bytes) -> str:
        digest = hashlib.sha256(b"spherelang-result\0" + tool_fingerprint() + plugins)
        digest.update(config_fingerprint(config))
        digest.update(repr((scenario, always_apply, os.getcwd(), loaded.entry, loaded.root)).encode())
        digest.update(repr(self.read_order).encode())
        digest.update(repr([f.path for f in loaded.files]).encode())
        digest.update(repr(loaded.diagnostics).encode())
        return digest.hexdigest()

    def finish(self, loaded: LoadedModel) -> LoadedModel | None:
        """The model with every stub parsed from its bytes; ``None`` if a file
        that parsed before no longer does (the caller loads afresh)."""
        if not self.pending:
            return loaded
        files = []
        for file in loaded.files:
            data = self.pending.get(file.path)
            if data is None:
                files.append(file)
                continue
            parsed = _Loader.parse_data(self, data, file.path)
            if parsed is None:
                return None
            files.append(parsed)
        self.pending.clear()
        return LoadedModel(loaded.entry, loaded.root, tuple(files), loaded.diagnostics)


def _imports_name(digest: str) -> str:
    from .cache import _parser_fingerprint

    return "i-" + hashlib.sha256(_parser_fingerprint() + digest.encode()).hexdigest()


def check_cached(entry: str, config: Config, scenario: str | None, always_apply: bool,
                 check: Callable[[LoadedModel], T], expected: type[T],
                 load: Callable[[], LoadedModel]) -> T:
    """``check(loaded)`` for the model at ``entry``, from the result cache when
    it holds this very run; ``load()`` is the plain way, for when it cannot."""
    root = find_project_root(entry)
    if not any(os.path.isfile(os.path.join(root, m)) for m in PROJECT_MARKERS):
        return check(load())  # a stray file gets no cache directory (as for the parse cache)
    plugins = plugins_fingerprint()
    if plugins is None:
        return check(load())
    store = SignedStore(root)
    walk = _Discovery(entry, root, config.limits, ParseCache(root), store)
    loaded = walk.run()
    name = "r-" + walk.key(loaded, scenario, always_apply, config, plugins)
    if not walk.failed:
        hit = store.load(name)
        if isinstance(hit, expected):
            return hit
    complete = walk.finish(loaded)
    if complete is None:
        return check(load())
    result = check(complete)
    if not walk.failed:
        for imports_name, imports in walk.fresh:
            store.save(imports_name, imports)
        store.save(name, result)
    return result
