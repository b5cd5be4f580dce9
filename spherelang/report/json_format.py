"""``--format json`` for check and eval, exactly the shapes of LANGUAGE.md §7."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, related_dict
from .paths import display_path, in_display_order

if TYPE_CHECKING:  # annotations only: `sphere check --format json` imports no evaluator
    from ..evaluator import Figures, Trend
    from ..pipeline import Comparison, Evaluation, Reforms, Report

VERSION = 1


def violation(d: Diagnostic) -> dict[str, Any]:
    s = d.span
    return {
        "code": d.code,
        "severity": d.severity.label,
        "message": d.message,
        "file": display_path(s.file),
        "line": s.line,
        "column": s.column,
        "end_line": s.end_line,
        "end_column": s.end_column,
        "sphere": d.sphere,
        "hint": d.hint,
        # where else it points (NEST003's allocations, REF002's first declaration, the
        # expression a rule failed on), each with what it shows there
        "related": [related_dict(r, display_path(r.file)) for r in d.related],
    }


def report_object(report: Report) -> dict[str, Any]:
    return {
        "version": VERSION,
        "summary": {"files": len(report.files), "errors": report.errors, "warnings": report.warnings,
                    "infos": report.infos},
        "violations": [violation(d) for d in in_display_order(report.violations)],
    }


def _figures(f: Figures) -> dict[str, float | None]:
    return f.as_dict()


def evaluation_object(ev: Evaluation) -> dict[str, Any]:
    spheres = []
    for row in ev.spheres:
        entry: dict[str, Any] = {"path": row.path, "layer": row.layer, **_figures(row.figures),
                                 "binding": row.binding, "binds": row.binds, "unlock": row.unlock,
                                 "illustrative": list(row.illustrative)}
        if ev.scenario is not None:
            entry["baseline"] = _figures(row.baseline) if row.baseline is not None else None
        spheres.append(entry)
    if ev.samples is not None:  # one entry per sphere of the model, in the same tree order
        for entry, drawn in zip(spheres, ev.samples.spheres):
            entry["samples"] = drawn.as_dict()
    out: dict[str, Any] = {"version": VERSION, "scenario": ev.scenario, "spheres": spheres,
                           "violations": [violation(d) for d in in_display_order(ev.violations)]}
    if ev.scenario is not None:
        out["fixed"] = [violation(d) for d in in_display_order(ev.fixed)]
        out["introduced"] = [violation(d) for d in in_display_order(ev.introduced)]
    if ev.samples is not None:
        out["samples"] = {"n": ev.samples.n, "seed": ev.samples.seed, "ordering": ev.samples.ordering}
    return out


def reforms_object(result: Reforms) -> dict[str, Any]:
    """``sphere reforms --format json`` (LANGUAGE.md §8.2)."""
    return {"version": VERSION, "reforms": [
        {"rank": r.rank, "scenario": r.scenario, "title": r.title, "gain": r.gain, "raised": r.raised,
         "lowered": r.lowered, "added": r.added, "removed": r.removed, "fixed": len(r.fixed),
         "introduced": len(r.introduced)} for r in result.reforms]}


def comparison_object(result: Comparison) -> dict[str, Any]:
    """``sphere compare --format json`` (LANGUAGE.md §8.6)."""
    return {"version": VERSION, "layers": list(result.layers), "models": [
        {"file": display_path(m.file), "title": m.title,
         "layers": {layer: m.summary.mean(layer) for layer in result.layers},
         "binding": m.summary.binding, "binds": m.summary.binds, "held": m.summary.held,
         "illustrative": list(m.summary.illustrative)} for m in result.models]}


def trend_object(tr: Trend) -> dict[str, Any]:
    """``sphere trend --format json`` (LANGUAGE.md §8.3, §8.7): lists aligned with ``years``."""
    return {"version": VERSION, "scenario": tr.scenario, "years": list(tr.years),
            "spheres": [{"path": s.path, "layer": s.layer, "capacity": list(s.capacity),
                         "ceiling": list(s.ceiling), "effective": list(s.effective), "binding": list(s.binding),
                         "illustrative": [list(m) for m in s.illustrative]} for s in tr.spheres]}


def dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)
