"""Many entries: each file named or found is the root of its own model
(LANGUAGE.md §7); the models are checked serially or in worker processes,
from the result cache when nothing they depend on has changed, and merged
so that a violation is reported once per run.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Sequence

import attrs

from ..config import DEFAULT_CONFIG, Config
from ..diagnostics import Diagnostic, Severity
from ..errors import SphereUsageError
from ..evaluator import apply_scenario
from ..loading import LoadedModel, load_model
from ..resolve import resolve
from .gc import paused_gc
from .report import Report
from .result_cache import check_cached
from .single import diagnose, model_files, require_entry_file
from .suppressions import SuppressionKey, SuppressionTable, judged_suppressions, unused_suppressions


@attrs.frozen(slots=True)
class EntryResult:
    """What checking one entry file gives: picklable, so entries can be checked
    in worker processes (``--jobs``) and merged exactly as a serial run would."""

    diagnostics: tuple[Diagnostic, ...]
    used: frozenset[SuppressionKey]
    suppressions: SuppressionTable
    files: tuple[str, ...]
    user_rules: tuple[tuple[str, str, Severity], ...]
    applied: bool


def check_entry(entry: str, config: Config, scenario: str | None, always_apply: bool,
                jobs: int = 1) -> EntryResult:
    """Check the model whose entry file is ``entry`` (its files parsed by up
    to ``jobs`` processes); with ``config.cache``, from the result cache when
    nothing it depends on has changed."""
    with paused_gc():
        require_entry_file(entry, strict=False)
        if not config.cache:
            return check_loaded(lambda: load_model(entry, limits=config.limits, jobs=jobs), config, scenario,
                                always_apply)
        return check_cached(entry, config, scenario, always_apply,
                            lambda take: check_loaded(take, config, scenario, always_apply), EntryResult, jobs)


def check_loaded(take: Callable[[], LoadedModel], config: Config, scenario: str | None,
                 always_apply: bool) -> EntryResult:
    """Resolve and check the model ``take()`` hands over. Without a scenario to
    apply nothing else holds it, so the resolver frees each sphere's
    statements as it goes; with one, the load is kept for the overlay."""
    keep = take() if scenario is not None else None
    model = resolve(keep if keep is not None else take(), config.year)
    # a broken model may well declare the scenario: its syntax error is the answer, not a usage error
    applied = scenario is not None and (always_apply or model.broken or model.declares_scenario(scenario))
    if applied:
        assert scenario is not None
        model = apply_scenario(model, scenario, keep, limits=config.limits)
    del keep
    used: set[SuppressionKey] = set()
    found = diagnose(model, config, used)
    rules = tuple((r.code, r.summary, r.severity or Severity.ERROR) for r in model.rules)
    return EntryResult(tuple(found), frozenset(used), judged_suppressions(model),
                       tuple(os.path.realpath(f) for f in model_files(model)), rules, applied)


def check_entries(entries: Sequence[str], config: Config = DEFAULT_CONFIG, scenario: str | None = None,
                  jobs: int = 1) -> Report:
    """Check each entry file as the root of its own model; merge the results.

    With ``scenario``, each model that declares it is checked with it applied
    (the others as they are); a scenario no model declares is a usage error.
    With ``jobs`` > 1 the entries are checked in that many processes (one
    entry: its files are parsed in that many); the report is the same as a
    serial run's.
    """
    always = len(entries) == 1
    if jobs > 1 and len(entries) > 1:
        import concurrent.futures  # a process pool costs start-up time a serial run need not pay

        work = functools.partial(check_entry, config=config, scenario=scenario, always_apply=always)
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(work, entries, chunksize=max(1, len(entries) // (jobs * 4))))
    else:  # one entry: its files may still be parsed in parallel
        results = [check_entry(e, config, scenario, always, jobs if len(entries) == 1 else 1) for e in entries]
    if scenario is not None and not any(r.applied for r in results):
        raise SphereUsageError(f"unknown scenario '{scenario}': no model checked declares it")
    used = set().union(*(r.used for r in results)) if results else set()
    found = [list(r.diagnostics) for r in results]
    found.append(unused_suppressions((r.suppressions for r in results), used, config))
    files = dict.fromkeys(f for r in results for f in r.files)
    user_rules = {code: (code, summary, sev) for r in results for code, summary, sev in reversed(r.user_rules)}
    return Report(sort_and_dedupe(merge_models(found)), tuple(files), tuple(user_rules.values()))


def sort_and_dedupe(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """One copy of each identical diagnostic, sorted by file, line, column,
    code and message (the renderers order files as they print them)."""
    seen: dict[tuple[str, object, str], Diagnostic] = {}
    for d in diagnostics:
        seen.setdefault((d.code, d.span, d.message), d)
    return tuple(sorted(seen.values(), key=lambda d: d.sort_key))


def merge_models(per_model: Iterable[list[Diagnostic]]) -> list[Diagnostic]:
    """A violation is reported once per run however many models include its file.

    Models that share a file may word the same violation differently (an
    over-allocation totals what *that* model draws), so a violation is the
    code, place, sphere and subject; a later model adds only what goes beyond
    the earlier ones (two REF001 in one statement stay two).
    """
    kept: list[Diagnostic] = []
    counts: dict[tuple[str, object, str | None, str | None], int] = {}
    for diagnostics in per_model:
        mine: dict[tuple[str, object, str | None, str | None], list[Diagnostic]] = {}
        for d in sort_and_dedupe(diagnostics):
            mine.setdefault((d.code, d.span, d.sphere, d.subject), []).append(d)
        for key, items in mine.items():
            already = counts.get(key, 0)
            if len(items) > already:
                kept.extend(items[already:])
                counts[key] = len(items)
    return kept
