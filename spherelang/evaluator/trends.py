"""``sphere trend`` (LANGUAGE.md §8.3): a model's figures at every year that
appears in it, as a pure pass (the model is resolved once; each year is
:func:`spherelang.evaluator.years.at_year`)."""

from __future__ import annotations

import attrs

from ..model import Model
from ..model.years import model_years
from .provenance import illustrative_figures, nearest_binding_ancestors
from .years import at_year


@attrs.frozen(slots=True)
class SphereTrend:
    """One sphere's figures per year, each tuple aligned with ``Trend.years``
    (None where undefined); ``binding`` holds paths, ``illustrative`` the
    names of the figures that depend on an illustrative value (§8.4)."""

    path: str
    layer: str
    depth: int
    capacity: tuple[float | None, ...]
    ceiling: tuple[float | None, ...]
    effective: tuple[float | None, ...]
    binding: tuple[str | None, ...]
    illustrative: tuple[tuple[str, ...], ...]


@attrs.frozen(slots=True)
class Trend:
    scenario: str | None
    years: tuple[int, ...]
    spheres: tuple[SphereTrend, ...]


def trend(model: Model) -> Trend:
    """The figures of ``model`` (a scenario already applied, if any) at every
    year written in its indicators, ascending."""
    years = model_years(model)
    per_year = [_year_columns(at_year(model, y)) for y in years]
    spheres = []
    for i, sphere in enumerate(model.spheres):
        cols = [column[i] for column in per_year]
        spheres.append(SphereTrend(
            sphere.path, sphere.layer, sphere.depth,
            tuple(c[0] for c in cols), tuple(c[1] for c in cols), tuple(c[2] for c in cols),
            tuple(c[3] for c in cols), tuple(c[4] for c in cols)))
    return Trend(model.scenario, years, tuple(spheres))


def _year_columns(model: Model) -> list[tuple[float | None, float | None, float | None, str | None, tuple[str, ...]]]:
    binding = nearest_binding_ancestors(model)
    marks = illustrative_figures(model, binding)
    return [(s.capacity, s.ceiling, s.effective, None if b is None else model.spheres[b].path, m)
            for s, b, m in zip(model.spheres, binding, marks)]
