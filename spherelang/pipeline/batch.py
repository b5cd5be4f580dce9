"""Many entries: each file named or found is the root of its own model
(LANGUAGE.md §7); the models are checked serially or in worker processes,
from the result cache when nothing they depend on has changed, and merged
so that a violation is reported once per run.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from ..config import DEFAULT_CONFIG, Config
from ..diagnostics import Diagnostic, Severity, Span
from ..errors import SphereUsageError
from ..evaluator import apply_scenario
from ..loading import LoadedModel, load_model
from ..model import Allow
from ..resolve import resolve
from .gc import paused_gc
from .report import Report
from .result_cache import check_cached
from .single import diagnose, model_files, require_entry_file
from .suppressions import (SuppressionKey, SuppressionTable, judged_allows, judged_suppressions, known_codes,
                           unknown_allows, unused_suppressions)


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
    allows: tuple[Allow, ...] = ()


def check_entry(entry: str, config: Config, scenario: str | None, always_apply: bool,
                jobs: int = 1, given: Mapping[str, str | bytes] | None = None) -> EntryResult:
    """Check the model whose entry file is ``entry`` (its files parsed by up
    to ``jobs`` processes); with ``config.cache``, from the result cache when
    nothing it depends on has changed. ``given`` maps paths to content read
    instead of the disk (standard input): such a run is never cached."""
    with paused_gc():
        if given and entry in given:
            return check_loaded(lambda: load_model(entry, limits=config.limits, jobs=jobs, given=given,
                                                   cache=config.cache), config, scenario, always_apply)
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
                       tuple(os.path.realpath(f) for f in model_files(model)), rules, applied,
                       judged_allows(model))


def check_entries(entries: Sequence[str], config: Config = DEFAULT_CONFIG, scenario: str | None = None,
                  jobs: int = 1, *, configs: Sequence[Config] | None = None,
                  given: Mapping[str, str | bytes] | None = None) -> Report:
    """Check each entry file as the root of its own model; merge the results.

    ``configs`` gives each entry its own configuration (the CLI: its nearest
    file's), else every entry has ``config``. ``given`` maps paths to content
    read instead of the disk (standard input).

    With ``scenario``, each model that declares it (in its entry or a file it
    imports) is checked with it applied, the others at baseline; a scenario
    no model declares is a usage error. With ``jobs`` > 1 the entries are
    checked in that many processes (one entry: its files are parsed in that
    many); the report is the same as a serial run's, and the same whatever
    the order of ``entries`` (see :func:`merge_results`).
    """
    chosen = list(configs) if configs is not None else [config] * len(entries)
    if len(chosen) != len(entries):
        raise SphereUsageError("check_entries: one configuration per entry")
    always = len(entries) == 1
    if jobs > 1 and len(entries) > 1:
        import concurrent.futures  # a process pool costs start-up time a serial run need not pay

        work = functools.partial(check_entry, scenario=scenario, always_apply=always, given=given)
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(work, entries, chosen, chunksize=max(1, len(entries) // (jobs * 4))))
    else:  # one entry: its files may still be parsed in parallel
        results = [check_entry(e, c, scenario, always, jobs if len(entries) == 1 else 1, given)
                   for e, c in zip(entries, chosen)]
    if scenario is not None and not any(r.applied for r in results):
        raise SphereUsageError(f"unknown scenario '{scenario}': no model checked declares it")
    fail_on = min((c.fail_on for c in chosen), default=config.fail_on)
    return attrs.evolve(merge_results(list(zip(entries, chosen, results))), fail_on=fail_on)


def merge_results(runs: list[tuple[str, Config, EntryResult]]) -> Report:
    """One report from the results of a run's entries, whatever their order.

    The results are taken in a fixed order: the models checked with the
    scenario applied first, then by the entry's absolute path. A file that a
    model checked with the scenario reads is reported as those models see it
    (a model checked at baseline adds nothing there: one file is never shown
    half at baseline, half under the scenario). SUP001 and SUP002 are judged
    over every model, each comment and ``allow`` under the configuration of
    the first model (in that order) that reads it.
    """
    runs = sorted(runs, key=lambda run: (not run[2].applied, os.path.abspath(run[0])))
    overlaid = {f for _, _, r in runs if r.applied for f in r.files}
    if overlaid and not all(r.applied for _, _, r in runs):
        runs = [(e, c, r if r.applied else _outside(r, overlaid)) for e, c, r in runs]
    results = [r for _, _, r in runs]
    used = set().union(*(r.used for r in results)) if results else set()
    known = known_codes(code for r in results for code, _, _ in r.user_rules)
    found = [list(r.diagnostics) for r in results]
    seen: set[tuple[str, int]] = set()
    judged: set[Span] = set()
    for _, config, result in runs:
        allows = [a for a in result.allows if a.span not in judged]
        judged.update(a.span for a in allows)
        found.append(unknown_allows(allows, known, result.suppressions, used, config))
    for _, config, result in runs:
        found.append(unused_suppressions([result.suppressions], used, config, known, seen))
    files = dict.fromkeys(f for r in results for f in r.files)
    user_rules = {code: (code, summary, sev) for r in results for code, summary, sev in reversed(r.user_rules)}
    return Report(sort_and_dedupe(merge_models(found)), tuple(files), tuple(user_rules.values()))


def _outside(result: EntryResult, overlaid: set[str]) -> EntryResult:
    """What a model checked at baseline says outside the files ``overlaid``
    (real paths) that models checked with the scenario read."""
    real = functools.lru_cache(maxsize=None)(os.path.realpath)
    return attrs.evolve(
        result,
        diagnostics=tuple(d for d in result.diagnostics if real(d.span.file) not in overlaid),
        used=frozenset(k for k in result.used if real(k[0]) not in overlaid),
        suppressions={k: v for k, v in result.suppressions.items() if real(k[0]) not in overlaid},
        allows=tuple(a for a in result.allows if real(a.span.file) not in overlaid))


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
