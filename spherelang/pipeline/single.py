"""One model: load → resolve → check → stamp → suppress.

This is the one way through for a single model; the batch runner
(:mod:`.batch`), the API and the CLI's ``eval``, ``graph`` and ``report`` all
go through it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ..checks import BUILTIN_CODES, Context, run_checks
from ..config import DEFAULT_CONFIG, Config
from ..diagnostics import Diagnostic
from ..errors import SphereUsageError
from ..loading import LoadedModel, load_model
from ..model import Model
from ..resolve import resolve
from ..rulelang import run_python_rules, run_user_rules
from ..syntax import ast
from .gc import paused_gc
from .stamp import plugin_origins, rule_origins, rule_severities, stamp
from .suppressions import (SuppressionKey, judged_allows, judged_suppressions, known_codes, suppress_and_select,
                           unknown_allows, unused_suppressions)


def open_model(path: str | os.PathLike[str], config: Config = DEFAULT_CONFIG, *, strict: bool = True,
               given: Mapping[str, str | ast.File] | None = None) -> Model:
    """Load and resolve the model whose entry file is ``path``.

    A path that is not a regular file is a usage error; with ``strict=False``
    (files met in a directory scan) a FIFO or a dangling link gets a
    diagnostic instead, so one odd file does not stop the run. ``given`` maps
    paths to content the caller holds (a text, or a parsed file), read
    instead of the disk; the entry need not exist on disk then.
    """
    entry = os.fspath(path)
    if not given or entry not in given:
        require_entry_file(entry, strict)
    with paused_gc():
        return resolve(load_model(entry, limits=config.limits, cache=config.cache and not given, given=given),
                       config.year)


def open_model_and_load(path: str | os.PathLike[str], config: Config = DEFAULT_CONFIG,
                        ) -> tuple[Model, LoadedModel]:
    """:func:`open_model`, and the load it was resolved from, for a caller
    about to apply a scenario (the overlay edits the declarations, which the
    model does not keep). Both are whole at once: only for scenario runs."""
    entry = os.fspath(path)
    require_entry_file(entry, True)
    with paused_gc():
        loaded = load_model(entry, limits=config.limits, cache=config.cache)
        return resolve(loaded, config.year), loaded


def require_entry_file(entry: str, strict: bool) -> None:
    if os.path.isdir(entry) or not os.path.lexists(entry) or (strict and not os.path.isfile(entry)):
        what = ("a directory" if os.path.isdir(entry) else "no such file" if not os.path.lexists(entry)
                else "not a regular file")
        raise SphereUsageError(f"{entry}: {what} (a model's entry is a .sphere file)")


def check_context(config: Config) -> Context:
    return Context(corridor_tolerance=config.corridor_tolerance, elasticity_threshold=config.elasticity_threshold)


def stamped_findings(model: Model, config: Config) -> list[Diagnostic]:
    """Every diagnostic of ``model``, stamped, before suppression and selection:
    what loading found, then (unless a file did not parse) the built-in
    checks, the model's rules and the installed Python rules."""
    found = list(stamp(model.loading, config))
    if model.broken:
        return found
    found.extend(stamp(run_checks(model, check_context(config)), config))
    rules = run_user_rules(model, budget=config.rule_budget)
    found.extend(stamp(rules.violations, config, rule_severities(model), rule_origins(model)))
    found.extend(stamp(rules.problems, config))
    plugins = run_python_rules(model, BUILTIN_CODES)
    found.extend(stamp(plugins.violations, config, plugins.severities, plugin_origins(plugins.origins)))
    found.extend(stamp(plugins.problems, config))
    return found


def diagnose(model: Model, config: Config = DEFAULT_CONFIG,
             used: set[SuppressionKey] | None = None) -> list[Diagnostic]:
    """Every diagnostic of one model, suppressed and selected (without SUP001
    and SUP002, which need every model of a run); the suppression comments used are
    added to ``used``."""
    with paused_gc():
        return suppress_and_select(model, stamped_findings(model, config), config,
                                   used if used is not None else set())


def diagnose_alone(model: Model, config: Config = DEFAULT_CONFIG) -> list[Diagnostic]:
    """One model's diagnostics when it is the whole run: SUP001 and SUP002 included."""
    used: set[SuppressionKey] = set()
    found = diagnose(model, config, used)
    table = judged_suppressions(model)
    known = known_codes(r.code for r in model.rules)
    found += unknown_allows(judged_allows(model), known, table, used, config)
    return found + unused_suppressions([table], used, config, known)


def model_files(model: Model) -> list[str]:
    """The files a model read, those that did not parse included."""
    files = list(model.files)
    files.extend(f.span.file for f in model.loading if f.code in ("SPH001", "SPH005"))
    return files
