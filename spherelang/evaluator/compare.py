"""One model's row in ``sphere compare`` (LANGUAGE.md §8.6, §8.7): the mean
capacity per layer, the sphere that binds the most others, how many spheres
are held beyond their corridor. Pure: a resolved model in, figures out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from ..model import Model
from .provenance import capacity_is_illustrative
from .reforms import EPSILON, binders


@attrs.frozen(slots=True)
class ModelSummary:
    """``means``: each of the model's layers (its order) with the mean capacity
    of its spheres that have one, or None; ``binding``: the path of the sphere
    that binds the most others (the first in tree order on a tie), None when
    none binds; ``held``: spheres whose capacity exceeds their ceiling by more
    than the corridor tolerance, whatever ``allow`` says; ``illustrative``: the
    layers whose mean uses an illustrative capacity (§8.4)."""

    title: str | None
    means: tuple[tuple[str, float | None], ...]
    binding: str | None
    binds: int
    held: int
    illustrative: tuple[str, ...]

    def mean(self, layer: str) -> float | None:
        return next((m for name, m in self.means if name == layer), None)


def layer_means(model: Model, year: int | None = None) -> tuple[tuple[str, float | None], ...]:
    """Each of the model's layers with the mean capacity of its spheres that have one."""
    found: dict[str, list[float]] = {layer: [] for layer in model.layers}
    for s in model.spheres:
        if s.capacity is not None and s.layer in found:
            found[s.layer].append(s.capacity)
    return tuple((layer, sum(caps) / len(caps) if caps else None) for layer, caps in found.items())


def held_count(model: Model, tolerance: float) -> int:
    """Spheres beyond their corridor (COR001's condition, suppressions ignored)."""
    return sum(1 for s in model.spheres if s.capacity is not None and s.ceiling is not None
               and s.capacity - s.ceiling > tolerance + EPSILON)


def illustrative_layers(model: Model, year: int | None = None) -> tuple[str, ...]:
    """The layers whose mean capacity uses an illustrative value (§8.4): a
    sphere of the layer whose capacity is illustrative, in the model's layer order."""
    marked = {s.layer for s in model.spheres if s.capacity is not None and capacity_is_illustrative(s)}
    return tuple(layer for layer in model.layers if layer in marked)


def summarise(model: Model, tolerance: float, year: int | None = None) -> ModelSummary:
    """The figures ``sphere compare`` shows for one model (``year``: reserved for §8.3)."""
    top = binders(model, year)
    first = top[0] if top else None
    return ModelSummary(model.title, layer_means(model, year), first.path if first else None,
                        first.binds if first else 0, held_count(model, tolerance), illustrative_layers(model, year))


def merged_layers(orders: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """The first order whole, then layers only later ones declare, in the order met."""
    seen: dict[str, None] = {}
    for order in orders:
        for layer in order:
            seen.setdefault(layer, None)
    return tuple(seen)
