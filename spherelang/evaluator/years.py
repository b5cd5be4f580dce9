"""A model at another year (LANGUAGE.md §8.3), without resolving it again.

The resolved model keeps every indicator statement of every series
(``Sphere.indicator_statements``). :func:`at_year` selects the values that
count at a year (:func:`spherelang.model.years.counting`), recomputes each
sphere's capacity and feeds the capacities to
:func:`spherelang.model.figures.corridor_figures`: one pass over the spheres,
no parsing, no linking. ``sphere trend`` runs it once per year.
"""

from __future__ import annotations

import attrs

from ..model import Indicator, Model, Sphere, corridor_figures
from ..model.figures import mean
from ..model.years import counting


def capacities_at(model: Model, year: int | None) -> tuple[list[tuple[Indicator, ...]], list[float | None]]:
    """Each sphere's counting indicators and capacity at ``year``."""
    counted = [counting(s.indicator_statements, year) for s in model.spheres]
    capacities = [s.declared_capacity if s.declared_capacity is not None else mean(i.normalized for i in c)
                  for s, c in zip(model.spheres, counted)]
    return counted, capacities


def at_year(model: Model, year: int | None) -> Model:
    """``model`` with the values that count at ``year`` (None: each series'
    latest), its figures recomputed; the model itself when nothing changes."""
    if year == model.year or model.broken:
        return model if year == model.year else attrs.evolve(model, year=year)
    counted, capacities = capacities_at(model, year)
    corridors = corridor_figures([s.parent for s in model.spheres], capacities)
    spheres: list[Sphere] = []
    for sphere, indicators, capacity, corridor in zip(model.spheres, counted, capacities, corridors):
        spheres.append(attrs.evolve(
            sphere, indicators=indicators, capacity=capacity, ceiling=corridor.ceiling,
            effective=corridor.effective, headroom=corridor.headroom, bound_by=corridor.bound_by))
    return attrs.evolve(model, spheres=tuple(spheres), year=year)
