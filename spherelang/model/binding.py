"""Binding spheres and what lifting them unlocks (LANGUAGE.md §8.1, §8.7), as a
pure pass over a sphere tree.

- binding(S): the nearest strict ancestor whose capacity equals ceiling(S)
  within :data:`EPSILON`; ``None`` where the ceiling is undefined. A sphere
  without a capacity still has one.
- binds(A): how many spheres A is the binding sphere of.
- unlock(A), for A with a capacity: the sum over A's strict descendants D that
  have a capacity of effective'(D) - effective(D), effective' computed as if
  A had no capacity. Exact arithmetic: where two ancestors tie exactly for the
  lowest capacity, lifting one unlocks nothing.

One pass in pre-order, no recursion. Each sphere inherits from its parent the
lowest capacity above it (with the sphere that holds it, when it is the only
one that low) and the second lowest: lifting that one sphere would raise the
ceiling exactly to the second lowest, so every descendant adds its share to
that one sphere's unlock. The binding sphere follows from the parent's: it is
the parent when the parent's capacity is within the tolerance of the new
ceiling, else the parent's own binding sphere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .model import Model

#: Tolerance for "equals the ceiling" (LANGUAGE.md §5).
EPSILON = 1e-9


class Binding(NamedTuple):
    """A sphere's binding figures; ``binding`` is an index, ``None`` where undefined."""

    binding: int | None
    binds: int
    unlock: float | None


class _Above(NamedTuple):
    """The capacities of a sphere's strict ancestors, as far as unlock needs them."""

    lowest: float | None        # the ceiling
    only: int | None            # the one ancestor at ``lowest``; None on an exact tie or none
    second: float | None        # the lowest once ``only`` is left out (None: no other capacity)
    binding: int | None


_NOTHING = _Above(None, None, None, None)


def _child_view(above: _Above, parent: int, capacity: float | None) -> _Above:
    """What a child of ``parent`` (capacity ``capacity``, ancestors ``above``) sees above it."""
    if capacity is None:
        return above
    lowest, only, second, binding = above
    if lowest is None:
        return _Above(capacity, parent, None, parent)
    if capacity < lowest:
        return _Above(capacity, parent, lowest, parent)
    if capacity == lowest:  # an exact tie: lifting either one unlocks nothing
        return _Above(lowest, None, lowest, parent)
    rest = capacity if second is None else min(second, capacity)
    nearest = parent if capacity <= lowest + EPSILON else binding  # within the tolerance: the nearer one binds
    return _Above(lowest, only, rest, nearest)


def binding_figures(parents: Sequence[int | None], capacities: Sequence[float | None]) -> list[Binding]:
    """binding, binds and unlock of every sphere of a tree given in pre-order
    (``parents[i] < i`` or ``None`` for a root; ``capacities[i]`` or ``None``)."""
    views: list[_Above] = []
    binding: list[int | None] = []
    binds = [0] * len(parents)
    unlock: list[float | None] = [None if c is None else 0.0 for c in capacities]
    for index, parent in enumerate(parents):
        above = _NOTHING if parent is None else _child_view(views[parent], parent, capacities[parent])
        views.append(above)
        binding.append(above.binding)
        if above.binding is not None:
            binds[above.binding] += 1
        capacity = capacities[index]
        if capacity is not None and above.only is not None and above.lowest is not None:
            lifted = capacity if above.second is None else min(capacity, above.second)
            gained = lifted - min(capacity, above.lowest)
            unlock[above.only] = (unlock[above.only] or 0.0) + gained
    return [Binding(b, n, u) for b, n, u in zip(binding, binds, unlock)]


def model_binding(model: Model) -> list[Binding]:
    """:func:`binding_figures` of a resolved model's spheres (indices into ``model.spheres``)."""
    return binding_figures([s.parent for s in model.spheres], [s.capacity for s in model.spheres])
