"""The corridor figures of LANGUAGE.md §5 as a pure pass over a sphere tree.

Capacity and elasticity belong to a sphere alone; ceiling, effective and
headroom depend on the enclosing spheres. :func:`corridor_figures` computes
the latter from nothing but parent indices and capacities, so the resolver,
the corridor checks and any analysis that asks "what if this capacity were
different" (binding spheres, years, samples) share one definition and can
re-run it without resolving the model again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple


class Corridor(NamedTuple):
    """A sphere's place in its corridor; ``None`` where undefined.

    ``bound_by`` is the index of the enclosing sphere whose capacity sets the
    ceiling: the nearest one when several share the lowest capacity.
    """

    ceiling: float | None
    effective: float | None
    headroom: float | None
    bound_by: int | None


def corridor_figures(parents: Sequence[int | None], capacities: Sequence[float | None]) -> list[Corridor]:
    """The corridor of every sphere of a tree given in pre-order.

    ``parents[i]`` is the index of sphere ``i``'s parent (always below ``i``)
    or ``None`` for a root; ``capacities[i]`` its capacity or ``None``. One
    pass, no recursion: each sphere's lowest capacity over itself and its
    ancestors is known once its parent's is.
    """
    lowest: list[tuple[float, int] | None] = []  # min capacity over a sphere and its ancestors, and where
    out: list[Corridor] = []
    for index, (parent, capacity) in enumerate(zip(parents, capacities)):
        above = lowest[parent] if parent is not None else None
        ceiling, bound_by = (above[0], above[1]) if above is not None else (None, None)
        if capacity is None:
            lowest.append(above)
            out.append(Corridor(ceiling, None, None, bound_by))
            continue
        # ties go to the deeper sphere: a child sees its nearest binding ancestor
        lowest.append((capacity, index) if above is None or capacity <= above[0] else above)
        if ceiling is None:
            out.append(Corridor(None, capacity, None, None))
        else:
            out.append(Corridor(ceiling, min(capacity, ceiling), ceiling - capacity, bound_by))
    return out


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the defined values, or ``None`` when there are none
    (capacity from indicators, elasticity from channels)."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
