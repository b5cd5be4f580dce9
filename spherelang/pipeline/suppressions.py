"""Suppressions: ``allow CODE`` in a sphere, ``// sphere: ignore[CODE]`` on a
line, and SUP001 for a comment that suppressed nothing.

``allow`` applies to what is reported about its sphere and members (not its
children); a comment applies to what is reported on its line. A comment is
used when any model of the run needed it, so SUP001 is judged once every
model has been checked; so is SUP002 (a code in ``allow`` or a comment that
no check, rule or installed plugin of the run reports).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..config import Config
from ..diagnostics import Diagnostic, Finding, Span
from ..model import Allow, Model, Suppression
from ..suggest import closest
from .stamp import stamp

#: A suppression comment a diagnostic used: file, line, code ("" for a comment without codes).
SuppressionKey = tuple[str, int, str]
#: The suppression comments of a model, by (file, line).
SuppressionTable = dict[tuple[str, int], tuple[Suppression, ...]]

#: A file that cannot be read as a model is never "passed": selection does not hide it (as in ruff).
_UNSELECTABLE = frozenset({"SPH001", "SPH005"})


def suppression_table(model: Model) -> SuppressionTable:
    """The model's suppression comments by (file, line)."""
    found: SuppressionTable = {}
    for source in model.sources:
        for sup in source.suppressions:
            key = (sup.span.file, sup.span.line)
            found[key] = found.get(key, ()) + (sup,)
    return found


def allowed_codes(model: Model) -> dict[str, set[str]]:
    """The codes each sphere's ``allow`` statements suppress, by sphere path
    (spheres whose ``within`` fails included: what is said of them obeys them too)."""
    allows: dict[str, set[str]] = {}
    for sphere in model.spheres:
        if sphere.allows:
            allows.setdefault(sphere.path, set()).update(sphere.allows)
    for detached in model.detached:
        if detached.allows:
            allows.setdefault(detached.path, set()).update(detached.allows)
    return allows


def suppress_and_select(model: Model, diagnostics: Iterable[Diagnostic], config: Config,
                        used: set[SuppressionKey]) -> list[Diagnostic]:
    """What is left once ``allow``, suppression comments and the selection
    have applied; the comments that were needed are added to ``used``."""
    allows = allowed_codes(model)
    by_line = suppression_table(model)
    kept = []
    for d in diagnostics:
        if d.sphere is not None and d.code in allows.get(d.sphere, ()):
            continue
        if by_line and _suppressed(d, by_line, used):
            continue
        if not config.wants(d.code) and d.code not in _UNSELECTABLE:
            continue
        kept.append(d)
    return kept


def _suppressed(d: Diagnostic, by_line: SuppressionTable, used: set[SuppressionKey]) -> bool:
    sups = by_line.get((d.span.file, d.span.line))
    if not sups:
        return False
    for sup in sups:
        if not sup.codes or d.code in sup.codes:
            used.add((sup.span.file, sup.span.line, d.code if sup.codes else ""))
            return True
    return False


def judged_suppressions(model: Model) -> SuppressionTable:
    """The comments SUP001 judges: a broken model's are not (its other files
    were never checked, so nothing could have used them)."""
    return {} if model.broken else suppression_table(model)


def judged_allows(model: Model) -> tuple[Allow, ...]:
    """The ``allow`` statements SUP002 judges: none of a broken model, whose
    rules (and so whose codes) were never read."""
    return () if model.broken else model.allows


def known_codes(rule_codes: Iterable[str] = ()) -> frozenset[str]:
    """The codes a run can report: the built-in ones, the installed Python
    rules' and ``rule_codes`` (the models' own ``rule`` blocks)."""
    from ..checks import BUILTIN_CODES
    from ..rulelang.plugins import default_registry

    return BUILTIN_CODES | default_registry().codes() | frozenset(rule_codes)


def unknown_allows(allows: Iterable[Allow], known: frozenset[str], by_line: SuppressionTable,
                   used: set[SuppressionKey], config: Config) -> list[Diagnostic]:
    """SUP002 for each ``allow`` whose code names nothing the run can report
    (it matches codes exactly, as ``allow`` does). ``allow SUP002`` in the
    sphere, or a ``// sphere: ignore`` comment on the line that covers SUP002
    (which is then used), silences it."""
    if not config.wants("SUP002"):
        return []
    allows = list(allows)
    silenced = {a.sphere for a in allows if a.code == "SUP002"}
    found = [_unknown(a.code, known, a.span, "allow", a.sphere)
             for a in allows if a.code not in known and a.sphere not in silenced]
    return [d for d in stamp(found, config) if not (by_line and _suppressed(d, by_line, used))]


def unused_suppressions(tables: Iterable[SuppressionTable], used: set[SuppressionKey],
                        config: Config, known: frozenset[str] | None = None,
                        seen: set[tuple[str, int]] | None = None) -> list[Diagnostic]:
    """SUP001 for each code of a suppression comment that no model needed
    (``tables``: :func:`judged_suppressions` of each model of the run); with
    ``known``, SUP002 instead for a code that names nothing the run can
    report (the parser upper-cases a comment's codes, so case is not
    compared). ``seen``: the comments already judged, shared across calls."""
    found: list[Finding] = []
    seen = set() if seen is None else seen
    folded = {c.casefold(): c for c in known or ()}
    for table in tables:
        for (file, line), sups in table.items():
            if (file, line) in seen:
                continue
            seen.add((file, line))
            for sup in sups:
                strange = [c for c in sup.codes if known is not None and c.casefold() not in folded]
                if strange and config.wants("SUP002"):
                    found.extend(_unknown(c, folded.values(), sup.span, "a suppression comment") for c in strange)
                idle = [c for c in sup.codes if (file, line, c) not in used and c not in strange] if sup.codes else (
                    [] if (file, line, "") in used else ["*"])
                if idle and config.wants("SUP001"):
                    what = "nothing" if idle == ["*"] else ", ".join(f"'{c}'" for c in idle)
                    found.append(Finding("SUP001", f"unused suppression: {what} on this line", sup.span,
                                         hint="remove the comment, or the codes that no longer apply"))
    return list(stamp(found, config))


def _unknown(code: str, known: Iterable[str], span: Span, where: str, sphere: str | None = None) -> Finding:
    best = closest(code, sorted(known))
    hint = (f"did you mean '{best}'?" if best else
            "no built-in check, rule of the model or installed plugin reports it; 'sphere rules' lists the codes")
    return Finding("SUP002", f"unknown code '{code}' in {where}", span, sphere=sphere, hint=hint, subject=code)
