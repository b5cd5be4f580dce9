"""The pipeline: path -> loaded files -> resolved model -> diagnostics -> report.

This is the one way through that the CLI and the Python API share.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence

import attrs

from .checks import BUILTIN_CODES, CODES, Context, run_checks
from .config import DEFAULT_CONFIG, Config
from .diagnostics import Diagnostic, Finding, Severity
from .errors import SphereUsageError
from .loading import LoadedModel, load_model
from .model import Model
from .resolve import resolve
from .syntax.ast import Suppression


@attrs.frozen(slots=True)
class Report:
    """What a check found: violations sorted by file, line, column and code."""

    violations: tuple[Diagnostic, ...]
    files: tuple[str, ...] = ()
    #: Codes declared by the models' own `rule` blocks: (code, summary, severity).
    user_rules: tuple[tuple[str, str, Severity], ...] = ()

    def count(self, severity: Severity) -> int:
        return sum(1 for v in self.violations if v.severity is severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def infos(self) -> int:
        return self.count(Severity.INFO)

    def fails(self, fail_on: Severity = Severity.ERROR) -> bool:
        """Whether anything reaches ``fail_on`` (the CLI's exit status 1)."""
        return any(v.severity >= fail_on for v in self.violations)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.violations)

    def __len__(self) -> int:
        return len(self.violations)


_gc_lock = threading.Lock()
_gc_state = {"pauses": 0, "was_enabled": True}


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a model is built and checked.

    A model is millions of small acyclic objects; every full collection would
    walk them all, which made large models grow super-linearly (more than half
    of the time at 10k spheres). Reference counting still frees garbage; the
    collector resumes when the outermost pause ends (threads share one count).
    """
    with _gc_lock:
        if _gc_state["pauses"] == 0:
            _gc_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_state["pauses"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["pauses"] -= 1
            if _gc_state["pauses"] == 0 and _gc_state["was_enabled"]:
                gc.enable()


def load(path: str | os.PathLike[str], config: Config = DEFAULT_CONFIG, *, strict: bool = True) -> Model:
    """Load and resolve the model whose entry file is ``path``.

    A path that is not a regular file is a usage error; with ``strict=False``
    (files met in a directory scan) a FIFO or a dangling link gets a
    diagnostic instead, so one odd file does not stop the run.
    """
    entry = os.fspath(path)
    _require_file(entry, strict)
    with paused_gc():
        return resolve(load_model(entry, limits=config.limits, cache=config.cache))


def _require_file(entry: str, strict: bool) -> None:
    if os.path.isdir(entry) or not os.path.lexists(entry) or (strict and not os.path.isfile(entry)):
        what = ("a directory" if os.path.isdir(entry) else "no such file" if not os.path.lexists(entry)
                else "not a regular file")
        raise SphereUsageError(f"{entry}: {what} (a model's entry is a .sphere file)")


def context(config: Config) -> Context:
    return Context(corridor_tolerance=config.corridor_tolerance, elasticity_threshold=config.elasticity_threshold)


def raw_findings(model: Model, config: Config) -> list[Diagnostic]:
    """Every diagnostic of ``model`` with its default severity, before
    suppression and selection."""
    if model.broken:
        return list(model.loading)
    from .evaluator import scenario_findings

    out = list(model.loading)
    out.extend(_stamp(run_checks(model, context(config))))
    if model.scenario is None:
        out.extend(_stamp(scenario_findings(model)))
    out.extend(_user_rules(model, config))
    return out


def _stamp(findings: Iterable[Finding]) -> Iterable[Diagnostic]:
    for f in findings:
        yield f.stamp(CODES[f.code].severity)


def _user_rules(model: Model, config: Config) -> list[Diagnostic]:
    from .rulelang import check_user_rules, run_python_rules

    out = check_user_rules(model, builtin_codes=BUILTIN_CODES, budget=config.rule_budget)
    out.extend(run_python_rules(model, BUILTIN_CODES))
    return out


SuppressionKey = tuple[str, int, str]  # file, line, code ("" for every code)


def line_suppressions(model: Model) -> dict[tuple[str, int], tuple[Suppression, ...]]:
    found: dict[tuple[str, int], tuple[Suppression, ...]] = {}
    for file in model.files:
        for sup in file.suppressions:
            key = (sup.span.file, sup.span.line)
            found[key] = found.get(key, ()) + (sup,)
    return found


def _suppressed(d: Diagnostic, by_line: dict[tuple[str, int], tuple[Suppression, ...]],
                used: set[SuppressionKey]) -> bool:
    sups = by_line.get((d.span.file, d.span.line))
    if not sups:
        return False
    for sup in sups:
        if not sup.codes or d.code in sup.codes:
            used.add((sup.span.file, sup.span.line, d.code if sup.codes else ""))
            return True
    return False


#: A file that cannot be read as a model is never "passed": selection does not hide it (as in ruff).
_UNSELECTABLE = frozenset({"SPH001", "SPH005"})


def finish(model: Model, diagnostics: Iterable[Diagnostic], config: Config,
           used: set[SuppressionKey] | None = None) -> list[Diagnostic]:
    """Apply ``allow``, ``// sphere: ignore[...]`` comments, configured
    severities and selection; record the suppressions used in ``used``."""
    allows: dict[str, set[str]] = {}
    for sphere in model.spheres:
        if sphere.allows:
            allows.setdefault(sphere.path, set()).update(sphere.allows)
    by_line = line_suppressions(model)
    used = used if used is not None else set()
    kept = []
    for d in diagnostics:
        if d.sphere is not None and d.code in allows.get(d.sphere, ()):
            continue
        if by_line and _suppressed(d, by_line, used):
            continue
        if not config.wants(d.code) and d.code not in _UNSELECTABLE:
            continue
        severity = config.severity_of(d.code, d.severity)
        kept.append(d if severity is d.severity else d.with_severity(severity))
    return kept


def check_model(model: Model, config: Config = DEFAULT_CONFIG,
                used: set[SuppressionKey] | None = None) -> list[Diagnostic]:
    """Every diagnostic of one model, suppressed and selected (without SUP001)."""
    with paused_gc():
        return finish(model, raw_findings(model, config), config, used)


SuppressionTable = dict[tuple[str, int], tuple[Suppression, ...]]


def unused_suppressions(tables: Iterable[SuppressionTable], used: set[SuppressionKey],
                        config: Config) -> list[Diagnostic]:
    """SUP001 for each code of a suppression comment that no model needed
    (``tables``: the suppression comments of each model that is not broken)."""
    out: list[Diagnostic] = []
    seen: set[tuple[str, int]] = set()
    info = CODES["SUP001"]
    for table in tables:
        for (file, line), sups in table.items():
            if (file, line) in seen:
                continue
            seen.add((file, line))
            for sup in sups:
                idle = [c for c in sup.codes if (file, line, c) not in used] if sup.codes else (
                    [] if (file, line, "") in used else ["*"])
                if idle and config.wants("SUP001"):
                    what = "nothing" if idle == ["*"] else ", ".join(f"'{c}'" for c in idle)
                    out.append(Diagnostic("SUP001", config.severity_of("SUP001", info.severity),
                                          f"unused suppression: {what} on this line", sup.span,
                                          hint="remove the comment, or the codes that no longer apply"))
    return out


def check_one(model: Model, config: Config = DEFAULT_CONFIG) -> list[Diagnostic]:
    """One model's diagnostics, unused suppressions included (the API's check)."""
    used: set[SuppressionKey] = set()
    found = check_model(model, config, used)
    tables = [] if model.broken else [line_suppressions(model)]
    return found + unused_suppressions(tables, used, config)


def sort_and_dedupe(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """One copy of each identical diagnostic, in the order of the contract:
    file (as displayed), line, column, code (then message)."""
    seen: dict[tuple, Diagnostic] = {}  # type: ignore[type-arg]
    for d in diagnostics:
        key = (d.code, d.span, d.message)
        seen.setdefault(key, d)
    from .report.paths import display_path

    shown: dict[str, str] = {}

    def key(d: Diagnostic) -> tuple[str, int, int, str, str]:
        # by the file as the reports print it (relative to the working directory when inside it)
        file = d.span.file
        if file not in shown:
            shown[file] = display_path(file)
        return (shown[file], *d.sort_key[1:])  # type: ignore[return-value]

    return tuple(sorted(seen.values(), key=key))


def merge_models(per_model: Iterable[list[Diagnostic]]) -> list[Diagnostic]:
    """A violation is reported once per run however many models include its file.

    Models that share a file may word the same violation differently (an
    over-allocation totals what *that* model draws), so a violation is the
    code, place, sphere and subject; a later model adds only what goes beyond
    the earlier ones (two REF001 in one statement stay two).
    """
    kept: list[Diagnostic] = []
    counts: dict[tuple, int] = {}  # type: ignore[type-arg]
    for diagnostics in per_model:
        mine: dict[tuple, list[Diagnostic]] = {}  # type: ignore[type-arg]
        for d in sort_and_dedupe(diagnostics):
            mine.setdefault((d.code, d.span, d.sphere, d.subject), []).append(d)
        for key, items in mine.items():
            already = counts.get(key, 0)
            if len(items) > already:
                kept.extend(items[already:])
                counts[key] = len(items)
    return kept


def model_files(model: Model) -> list[str]:
    files = [f.path for f in model.files]
    files.extend(d.span.file for d in model.loading if d.code in ("SPH001", "SPH005"))
    return files


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
        _require_file(entry, strict=False)
        if not config.cache:
            return _check_loaded(lambda: load_model(entry, limits=config.limits, jobs=jobs), config, scenario,
                                 always_apply)
        from .loading.results import check_cached

        return check_cached(entry, config, scenario, always_apply,
                            lambda take: _check_loaded(take, config, scenario, always_apply), EntryResult, jobs)


def _check_loaded(take: Callable[[], LoadedModel], config: Config, scenario: str | None,
                  always_apply: bool) -> EntryResult:
    """Resolve and check the model ``take()`` hands over: nothing else holds
    it, so the resolver can free each sphere's statements as it goes."""
    from .evaluator import apply_scenario

    model = resolve(take())
    # a broken model may well declare the scenario: its syntax error is the answer, not a usage error
    applied = scenario is not None and (always_apply or model.broken or _declares(model, scenario))
    if applied:
        assert scenario is not None
        model = apply_scenario(model, scenario)
    used: set[SuppressionKey] = set()
    found = check_model(model, config, used)
    rules = tuple((r.code.text, r.summary, r.severity or Severity.ERROR) for r in model.rules)
    return EntryResult(tuple(found), frozenset(used), {} if model.broken else line_suppressions(model),
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
        import concurrent.futures
        import functools

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


def _declares(model: Model, scenario: str) -> bool:
    return any(s.name.text == scenario for s in model.scenarios)
