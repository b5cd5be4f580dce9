"""The figures of LANGUAGE.md §5 per sphere, as the evaluator reports them."""

from __future__ import annotations

import attrs

from ..model import Model, Sphere
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
    path: str
    layer: str
    depth: int
    figures: Figures
    baseline: Figures | None = None  # with a scenario: the same sphere before it
    #: The figures that depend on an illustrative value (LANGUAGE.md §8.4).
    illustrative: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> float | None:
        if name in FIGURES:
            return getattr(self.figures, name)  # type: ignore[no-any-return]
        raise AttributeError(name)


def sphere_figures(model: Model, baseline: Model | None = None) -> tuple[SphereFigures, ...]:
    """Every sphere's figures in tree order; with ``baseline``, each beside the
    same sphere's figures there (by path; a sphere the baseline lacks has none)."""
    marks = illustrative_figures(model)
    if baseline is None:
        return tuple(SphereFigures(s.path, s.layer, s.depth, Figures.of(s), None, m)
                     for s, m in zip(model.spheres, marks))
    before = {s.path: Figures.of(s) for s in reversed(baseline.spheres)}
    return tuple(SphereFigures(s.path, s.layer, s.depth, Figures.of(s), before.get(s.path, NO_FIGURES), m)
                 for s, m in zip(model.spheres, marks))
