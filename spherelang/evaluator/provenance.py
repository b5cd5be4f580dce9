"""Provenance (LANGUAGE.md §8.4): which figures of each sphere depend on a
value marked ``illustrative``, as a pure pass over a resolved model.

- capacity: its explicit capacity is illustrative, or (without a valid one)
  any indicator value that counts for it is;
- ceiling: the capacity of its binding sphere is;
- effective: the figure it takes is (the capacity when capacity <= ceiling +
  1e-9 or there is no ceiling, else the ceiling);
- headroom: its capacity or its ceiling is (where headroom is defined).
"""

from __future__ import annotations

from ..model import Model, Sphere

#: Figures are equal within this (LANGUAGE.md §5, §8.1).
TOLERANCE = 1e-9
#: The figures that may depend on an illustrative value, in report order.
PROVENANCE_FIGURES = ("capacity", "ceiling", "effective", "headroom")


def capacity_is_illustrative(sphere: Sphere) -> bool:
    """The sphere's capacity depends on an illustrative value."""
    if sphere.declared_capacity is not None:
        return sphere.capacity_illustrative
    return any(i.illustrative for i in sphere.indicators if i.normalized is not None)


def nearest_binding_ancestors(model: Model) -> list[int | None]:
    """binding(S) of LANGUAGE.md §8.1 per sphere: the index of the nearest
    strict ancestor whose capacity equals S's ceiling within 1e-9, None where
    the ceiling is undefined. (A local helper of years and provenance; the
    binding pass of §8.1 computes the same.)"""
    spheres = model.spheres
    out: list[int | None] = []
    for sphere in spheres:
        found = None
        if sphere.ceiling is not None:
            index = sphere.parent
            while index is not None:
                above = spheres[index]
                if above.capacity is not None and abs(above.capacity - sphere.ceiling) <= TOLERANCE:
                    found = index
                    break
                index = above.parent
        out.append(found)
    return out


def illustrative_figures(model: Model, binding: list[int | None] | None = None) -> tuple[tuple[str, ...], ...]:
    """Per sphere (tree order), the names of its figures that depend on an
    illustrative value, in the order of :data:`PROVENANCE_FIGURES`."""
    binding = nearest_binding_ancestors(model) if binding is None else binding
    own = [capacity_is_illustrative(s) for s in model.spheres]
    return tuple(_figures(s, mine, above is not None and own[above])
                 for s, mine, above in zip(model.spheres, own, binding))


def _figures(sphere: Sphere, capacity: bool, ceiling: bool) -> tuple[str, ...]:
    names: list[str] = []
    if capacity and sphere.capacity is not None:
        names.append("capacity")
    if ceiling and sphere.ceiling is not None:
        names.append("ceiling")
    if sphere.effective is not None:
        # an effective figure has a capacity under it
        takes_capacity = sphere.ceiling is None or (
            sphere.capacity is not None and sphere.capacity <= sphere.ceiling + TOLERANCE)
        if capacity if takes_capacity else ceiling:
            names.append("effective")
    if sphere.headroom is not None and (capacity or ceiling):
        names.append("headroom")
    return tuple(names)
