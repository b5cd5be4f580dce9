"""Checking one open document: the model whose entry it is, exactly as
``sphere check FILE`` checks it, with the editor's text for every open
document and the disk for the rest.

:func:`analyse` runs off the event loop (in the server's worker thread) and
never raises: a configuration file that cannot be read, or a bug, becomes the
analysis' ``problem``.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping

import attrs
from lsprotocol import types

from ..config import DEFAULT_CONFIG, Config
from ..diagnostics import Diagnostic
from ..errors import SphereUsageError
from ..loading import load_model
from ..model import Binding, Model, model_binding
from ..pipeline import diagnose, merge_models, paused_gc, sort_and_dedupe
from ..pipeline.suppressions import SuppressionKey, judged_suppressions, unused_suppressions
from ..resolve import resolve
from ..settings import find_config, read_config
from ..syntax import ast
from .diagnostics import Pair, code_links, convert
from .documents import Snapshot, TextSource
from .locate import Index
from .positions import Lines


@attrs.frozen
class Request:
    """Check the model whose entry is ``entry``, as the documents stood in ``snapshot``."""

    entry: str
    snapshot: Snapshot
    generation: int


@attrs.frozen(eq=False)
class Analysis:
    """What checking one open document gave.

    ``tree`` is the entry's syntax tree (``None`` when it does not parse)
    and ``index`` its spheres by path and position, ``lines`` its text as checked; ``pairs`` the diagnostics by file, each
    with its form in the protocol; ``files`` every file the model read.
    """

    entry: str
    version: int | None
    generation: int
    snapshot: Snapshot
    lines: Lines
    config: Config = DEFAULT_CONFIG
    model: Model | None = None
    tree: ast.File | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    pairs: Mapping[str, list[Pair]] = attrs.field(factory=dict)
    files: frozenset[str] = frozenset()
    binding: tuple[Binding, ...] = ()
    index: Index | None = None
    problem: str | None = None

    @property
    def usable(self) -> bool:
        """A model to answer hover, definition and completion from."""
        return self.model is not None and self.index is not None

    def published(self) -> dict[str, list[types.Diagnostic]]:
        """The protocol diagnostics by file path; the entry always has an entry."""
        found = {path: [lsp for _, lsp in pairs] for path, pairs in self.pairs.items()}
        found.setdefault(self.entry, [])
        return found


def project_config(entry: str) -> Config:
    """The configuration ``sphere check ENTRY`` would use (the nearest
    sphere.toml or pyproject.toml with ``[tool.spherelang]``)."""
    path = find_config(entry)
    return read_config(path, DEFAULT_CONFIG) if path else DEFAULT_CONFIG


def analyse(request: Request) -> Analysis:
    """Check ``request.entry``'s model; never raises."""
    entry, snapshot = request.entry, request.snapshot
    text = snapshot.documents[entry][1] if entry in snapshot.documents else ""
    base = Analysis(entry, snapshot.version(entry), request.generation, snapshot, Lines(text, snapshot.encoding))
    try:
        config = project_config(entry)
    except SphereUsageError as exc:
        return attrs.evolve(base, problem=str(exc))
    try:
        return _check(base, config)
    except Exception as exc:  # noqa: BLE001 - the editor must keep its server: a bug becomes a message
        return attrs.evolve(base, config=config, problem=f"internal error: {type(exc).__name__}: {exc}; "
                            "this is a bug in spherelang, please report it")


def _check(base: Analysis, config: Config) -> Analysis:
    """``sphere check ENTRY``: load, resolve, check, stamp, suppress, then
    SUP001 and the sort of a run with this one entry."""
    snapshot = base.snapshot
    with paused_gc():
        loaded = load_model(base.entry, limits=config.limits, given=snapshot.texts())
        tree = next((f for f in loaded.files if os.path.abspath(f.path) == base.entry), None)
        model = resolve(loaded, config.year)
        del loaded
        used: set[SuppressionKey] = set()
        found = diagnose(model, config, used)
        unused = unused_suppressions([judged_suppressions(model)], used, config)
        diagnostics = sort_and_dedupe(merge_models([found, unused]))
        source = TextSource(snapshot)
        pairs = convert(diagnostics, source, code_links(model, snapshot))
        files = frozenset(os.path.abspath(f) for f in (*model.files, *(d.span.file for d in model.loading)))
        binding = tuple(model_binding(model))
        done = attrs.evolve(base, config=config, model=model, tree=tree, diagnostics=diagnostics, pairs=pairs,
                            files=files, binding=binding, index=Index(tree) if tree is not None else None)
        freeze()
    return done


#: Checks between two full collections (see :func:`freeze`).
COLLECT_EVERY = 100
_checks = [0]


def freeze() -> None:
    """Leave what exists now out of the cyclic collector's full collections.

    The server keeps each open document's model and tree (millions of acyclic
    objects on a large model): left to the collector, every full collection
    would walk them all, a pause of a second. Frozen, they are left out, and
    reference counting still frees them. What a check leaves in cycles (an
    error's traceback) would stay frozen, so every :data:`COLLECT_EVERY`
    checks a full collection runs first.
    """
    _checks[0] += 1
    if _checks[0] % COLLECT_EVERY == 0:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
