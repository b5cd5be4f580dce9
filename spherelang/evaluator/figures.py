"""The evaluator's answer: per-sphere figures, before and after a scenario."""

from __future__ import annotations

import attrs

from ..config import DEFAULT_CONFIG, Config
from ..diagnostics import Diagnostic
from ..model import Model, Sphere
from .scenario import apply_scenario

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

    def __getattr__(self, name: str) -> float | None:
        if name in FIGURES:
            return getattr(self.figures, name)  # type: ignore[no-any-return]
        raise AttributeError(name)


@attrs.frozen(slots=True)
class Evaluation:
    """``spheres`` in tree order; with a scenario, ``fixed`` and ``introduced``
    compare its violations with the baseline's (same code, sphere and subject)."""

    scenario: str | None
    spheres: tuple[SphereFigures, ...]
    violations: tuple[Diagnostic, ...]
    fixed: tuple[Diagnostic, ...] = ()
    introduced: tuple[Diagnostic, ...] = ()

    def sphere(self, path: str) -> SphereFigures | None:
        return next((s for s in self.spheres if s.path == path), None)


def evaluate(model: Model, scenario: str | None = None, config: Config = DEFAULT_CONFIG) -> Evaluation:
    """Figures and violations of ``model``, or of ``scenario`` against it."""
    from ..engine import check_model, sort_and_dedupe

    base_violations = sort_and_dedupe(check_model(model, config))
    if model.broken:  # a file that does not parse: no figures, only what went wrong
        return Evaluation(scenario, (), base_violations)
    if scenario is None:
        return Evaluation(None, tuple(_row(s) for s in model.spheres), base_violations)
    changed = apply_scenario(model, scenario)
    violations = sort_and_dedupe(check_model(changed, config))
    before = {s.path: Figures.of(s) for s in reversed(model.spheres)}
    rows = tuple(_row(s, before.get(s.path, NO_FIGURES)) for s in changed.spheres)
    old_ids = {v.identity for v in base_violations}
    new_ids = {v.identity for v in violations}
    fixed = tuple(v for v in base_violations if v.identity not in new_ids)
    introduced = tuple(v for v in violations if v.identity not in old_ids)
    return Evaluation(scenario, rows, violations, fixed, introduced)


def _row(sphere: Sphere, baseline: Figures | None = None) -> SphereFigures:
    return SphereFigures(sphere.path, sphere.layer, sphere.depth, Figures.of(sphere), baseline)
