"""``sphere dump``: the resolved model as JSON — a documented, versioned shape
for other tools (policy engines, notebooks, dashboards).

Version 1::

    {"version": 1, "kind": "spherelang.model", "entry": FILE, "layers": [NAME, ...],
     "spheres": [{"path", "name", "layer", "title", "depth", "parent" (path or null),
                  "file", "line", "capacity", "ceiling", "effective", "headroom", "elasticity",
                  "allows": [CODE],
                  "powers": [{"name", "description", "source" (PATH.member or null),
                              "grant": "root" | "explicit" | "implicit" | "missing" | "unknown" |
                                       "wrong-kind" | "not-ancestor"}],
                  "responsibilities": [{"name", "description", "shared",
                                        "requires": [{"name", "kind" ("power" | "resource" | null),
                                                      "amount", "unit", "status"}]}],
                  "resources": [{"name", "amount", "unit", "source", "grant", "allocated",
                                 "required", "available"}],
                  "indicators": [{"name", "value", "of", "low", "high", "lower_is_better",
                                  "source", "normalized"}],
                  "channels": [{"name", "strength", "description"}]}, ...]}

Spheres are in pre-order; amounts and figures are numbers or null (invalid or
undefined). ``status``/``grant`` are the resolver's verdicts (see LinkStatus).
"""

from __future__ import annotations

from typing import Any

from ..model import Link, Model, Sphere
from .paths import display_path

VERSION = 1


def _target(model: Model, link: Link | None) -> str | None:
    if link is None or not link.ok or link.sphere is None:
        return None
    return f"{model.spheres[link.sphere].path}.{link.name}"


def _grant(link: Link | None) -> str:
    if link is None:
        return "root"
    if link.ok:
        return "explicit" if link.explicit else "implicit"
    return link.status.value


def _sphere(model: Model, s: Sphere) -> dict[str, Any]:
    parent = model.parent(s)
    return {
        "path": s.path, "name": s.name, "layer": s.layer, "title": s.title, "depth": s.depth,
        "parent": parent.path if parent else None,
        "file": display_path(s.span.file), "line": s.span.line,
        "capacity": s.capacity, "ceiling": s.ceiling, "effective": s.effective, "headroom": s.headroom,
        "elasticity": s.elasticity, "allows": sorted(s.allows),
        "powers": [{"name": p.name, "description": p.description, "source": _target(model, p.grant),
                    "grant": _grant(p.grant)} for p in s.powers],
        "responsibilities": [{"name": r.name, "description": r.description, "shared": r.shared,
                              "requires": [{"name": q.name, "kind": q.target_kind, "amount": q.amount,
                                            "unit": q.unit, "status": q.link.status.value}
                                           for q in r.requires]} for r in s.responsibilities],
        "resources": [{"name": r.name, "amount": r.amount, "unit": r.unit, "source": _target(model, r.source),
                       "grant": _grant(r.source), "allocated": r.allocated, "required": r.required,
                       "available": r.available} for r in s.resources],
        "indicators": [{"name": i.name, "value": i.value, "of": i.of, "low": i.low, "high": i.high,
                        "lower_is_better": i.lower_is_better, "source": i.source, "normalized": i.normalized}
                       for i in s.indicators],
        "channels": [{"name": c.name, "strength": c.strength, "description": c.description} for c in s.channels],
    }


def dump_object(model: Model) -> dict[str, Any]:
    return {"version": VERSION, "kind": "spherelang.model", "entry": display_path(model.entry),
            "layers": list(model.layers), "spheres": [_sphere(model, s) for s in model.spheres]}
