"""The result cache: what checking one entry file gave, reused while nothing
it depends on has changed (like ``ruff``'s or ``mypy``'s incremental caches).

Checking an entry is a function of

* the bytes of every file the model reads, their paths, and what the loader
  found on the way (missing imports, glob matches, cycles, limits),
* the configuration that shapes diagnostics, the scenario, the working
  directory (messages show paths relative to it),
* the tool itself (its version and every source file of the package and
  grammar) and the Python rules installed (their codes and source files).

The key hashes all of them. A run first *discovers* the model without
parsing: the loader's own walk, each file read and hashed, its import
statements taken from a small per-file entry keyed by those bytes. If every
file is known and the key is stored, the stored result is the answer.
Otherwise the model is loaded as usual (in parallel with ``--jobs``) and
checked; the walk is then repeated with the import statements just parsed,
and the result is stored only if every file still hashes to what was parsed
(a file saved during the run is not cached under bytes it was not checked
with).

Entries are signed like the parse cache's (:mod:`spherelang.loading.cache`): nothing anyone
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

import attrs

from ..config import Config, Limits
from ..loading import (
    LoadedModel,
    Loader,
    ParseCache,
    SignedStore,
    cache_home,
    find_project_root,
    is_marked,
    load_model,
)
from ..rulelang.plugins import default_registry
from ..syntax import ast
from ..syntax.parser import grammar_path
from ..version import __version__

T = TypeVar("T")
ImportLookup = Callable[[str, str], "tuple[ast.ImportStmt, ...] | None"]


@functools.cache
def tool_fingerprint() -> bytes:
    """The version and the code of the whole package and its grammar."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(os.fsencode(source.relative_to(package)) + b"\0" + source.read_bytes())
    digest.update(grammar_path().read_bytes())
    return digest.digest()


def config_fingerprint(config: Config) -> bytes:
    """What of the configuration changes one entry's diagnostics (not which
    entries a run checks, nor where the cache lives)."""
    shape = (config.selections, sorted((c, s.name) for c, s in config.severity.items()),
             config.corridor_tolerance, config.elasticity_threshold, config.rule_budget,
             attrs.astuple(config.limits), config.year)
    return repr(shape).encode()


def plugins_fingerprint() -> bytes | None:
    """The installed Python rules: code, severity, origin and the bytes of
    the module that defines each; ``None`` when one cannot be pinned down."""
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
        digest.update(repr((rule.code, rule.severity.label, rule.origin, source)).encode() + data)
    return digest.digest()


class _Unknown(Exception):
    """A file whose import statements are not known: the walk cannot go on without parsing."""


class _Discovery(Loader):
    """The loader's walk over import statements looked up instead of parsed."""

    def __init__(self, entry: str, root: str, limits: Limits, lookup: ImportLookup) -> None:
        super().__init__(entry, root, limits)
        self.lookup = lookup
        self.read_order: list[tuple[str, str, str]] = []  # path, real path, digest

    wants_digest = True

    def parse_data(self, data: bytes, path: str, digest: str | None) -> ast.File | None:
        assert digest is not None
        self.read_order.append((path, os.path.realpath(path), digest))
        imports = self.lookup(path, digest)
        if imports is None:
            raise _Unknown(path)
        return ast.File(path, None, imports, (), (), (), (), ())

    def key(self, found: LoadedModel, scenario: str | None, always_apply: bool, config: Config,
            plugins: bytes) -> str:
        digest = hashlib.sha256(b"spherelang-result\0" + tool_fingerprint() + plugins)
        digest.update(config_fingerprint(config))
        digest.update(repr((scenario, always_apply, os.getcwd(), found.entry, found.root)).encode())
        digest.update(repr(self.read_order).encode())
        digest.update(repr([f.path for f in found.files]).encode())
        digest.update(repr(found.findings).encode())
        return digest.hexdigest()


def _imports_name(digest: str) -> str:
    return "i-" + ParseCache.key_for(digest)


def _stored_imports(store: SignedStore) -> ImportLookup:
    def lookup(path: str, digest: str) -> tuple[ast.ImportStmt, ...] | None:
        found = store.load(_imports_name(digest))
        if isinstance(found, tuple) and all(isinstance(i, ast.ImportStmt) for i in found):
            return found
        return None

    return lookup


Take = Callable[[], LoadedModel]


class _Handoff:
    """Gives its model away once: the checker then holds the only reference."""

    def __init__(self, loaded: LoadedModel) -> None:
        self.loaded: LoadedModel | None = loaded

    def __call__(self) -> LoadedModel:
        loaded, self.loaded = self.loaded, None
        assert loaded is not None
        return loaded


def check_cached(entry: str, config: Config, scenario: str | None, always_apply: bool,
                 check: Callable[[Take], T], expected: type[T], jobs: int = 1) -> T:
    """``check(take)`` for the model at ``entry`` (``take()`` loads it), from
    the result cache when it holds this very run (see the module docstring)."""
    root = find_project_root(entry)
    plugins = plugins_fingerprint()
    home = cache_home(root, is_marked(root))
    if plugins is None or home is None:
        return check(lambda: load_model(entry, limits=config.limits, cache=home is not None, jobs=jobs))
    store = SignedStore(home)
    try:
        walk = _Discovery(entry, root, config.limits, _stored_imports(store))
        hit = store.load("r-" + walk.key(walk.run(), scenario, always_apply, config, plugins))
        if isinstance(hit, expected):
            return hit
    except _Unknown:
        pass
    parsed: dict[str, str] = {}
    loaded = load_model(entry, limits=config.limits, cache=True, jobs=jobs, digests=parsed)
    if loaded.broken:
        return check(_Handoff(loaded))  # cheap to check again, and never stored
    imports = {f.path: f.imports for f in loaded.files}
    files, diagnostics = [f.path for f in loaded.files], loaded.findings
    handoff = _Handoff(loaded)
    del loaded
    result = check(handoff)
    again = _Discovery(entry, root, config.limits,
                       lambda path, digest: imports.get(path) if parsed.get(path) == digest else None)
    try:
        found = again.run()
    except _Unknown:
        return result  # a file changed while it was checked
    if [f.path for f in found.files] != files or found.findings != diagnostics:
        return result
    for path, digest in parsed.items():
        if path in imports:
            store.save(_imports_name(digest), imports[path])
    store.save("r-" + again.key(found, scenario, always_apply, config, plugins), result)
    return result
