"""The figures of LANGUAGE.md §5 per sphere, as the evaluator reports them."""

from __future__ import annotations

import attrs

from ..model import Binding, Model, Sphere, model_binding
from .provenance import illustrative_figures

FIGURES = ("capacity", "ceiling", "effective", "headroom", "elasticity")


@attrs.frozen(slots=True)
class Figures:
    """The five figures of §5 for one sphere; None where undefined."""

    capacity: float | None
    ceiling: float | None
    effective: float | None
    headroom: float | None
    elasticity: float | None

    @classmethod
    def of(cls, sphere: Sphere) -> Figures:
        return cls(sphere.capacity, sphere.ceiling, sphere.effective, sphere.headroom, sphere.elasticity)

    def as_dict(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in FIGURES}


NO_FIGURES = Figures(None, None, None, None, None)


@attrs.frozen(slots=True)
class SphereFigures:
    """One sphere's figures: the five of §5 (``figures``, also readable as
    attributes), and those of §8.1: ``binding`` (the path of the sphere that
    sets its ceiling, or None), ``binds`` (how many spheres it sets the ceiling
    of) and ``unlock`` (what lifting its limit would gain, None without a capacity)."""

    path: str
    layer: str
    depth: int
    figures: Figures
    baseline: Figures | None = None  # with a scenario: the same sphere before it
    binding: str | None = None
    binds: int = 0
    unlock: float | None = None
    #: With a scenario: the binding sphere before it (None also where it had none).
    baseline_binding: str | None = None
    #: The figures that depend on an illustrative value (LANGUAGE.md §8.4).
    illustrative: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> float | None:
        if name in FIGURES:
            value: float | None = getattr(self.figures, name)
            return value
        raise AttributeError(name)


def _binding_path(model: Model, figures: Binding) -> str | None:
    return None if figures.binding is None else model.spheres[figures.binding].path


def sphere_figures(model: Model, baseline: Model | None = None, year: int | None = None) -> tuple[SphereFigures, ...]:
    """Every sphere's figures in tree order; with ``baseline``, each beside the
    same sphere's figures there (by path; a sphere the baseline lacks has none)."""
    now = model_binding(model)
    marks = illustrative_figures(model)
    if baseline is None:
        return tuple(SphereFigures(s.path, s.layer, s.depth, Figures.of(s), None, _binding_path(model, b), b.binds,
                                   b.unlock, illustrative=m) for s, b, m in zip(model.spheres, now, marks))
    then = model_binding(baseline)
    before = {s.path: (Figures.of(s), _binding_path(baseline, b)) for s, b in zip(reversed(baseline.spheres),
                                                                                 reversed(then))}
    rows = []
    for s, b, m in zip(model.spheres, now, marks):
        figures, binding = before.get(s.path, (NO_FIGURES, None))
        rows.append(SphereFigures(s.path, s.layer, s.depth, Figures.of(s), figures, _binding_path(model, b), b.binds,
                                  b.unlock, binding, m))
    return tuple(rows)
