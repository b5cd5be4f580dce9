"""Suppressions: ``allow CODE`` in a sphere, ``// sphere: ignore[CODE]`` on a
line, and SUP001 for a comment that suppressed nothing.

``allow`` applies to what is reported about its sphere and members (not its
children); a comment applies to what is reported on its line. A comment is
used when any model of the run needed it, so SUP001 is judged once every
model has been checked.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..config import Config
from ..diagnostics import Diagnostic, Finding
from ..model import Model, Suppression
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


def unused_suppressions(tables: Iterable[SuppressionTable], used: set[SuppressionKey],
                        config: Config) -> list[Diagnostic]:
    """SUP001 for each code of a suppression comment that no model needed
    (``tables``: :func:`judged_suppressions` of each model of the run)."""
    found: list[Finding] = []
    seen: set[tuple[str, int]] = set()
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
                    found.append(Finding("SUP001", f"unused suppression: {what} on this line", sup.span,
                                         hint="remove the comment, or the codes that no longer apply"))
    return list(stamp(found, config))
