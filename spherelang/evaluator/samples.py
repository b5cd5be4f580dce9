"""How sure the conclusion is (LANGUAGE.md §8.5, §8.7): the figures of §5 and
§8.1 over N random draws of the values written with ``± SE``.

The model is read once: per sphere, the terms of its capacity (the explicit
capacity, else the normalised indicators that count, each fixed or a
:class:`Draw`). A sample only redraws the uncertain values, redoes the
arithmetic (normalise, mean) and runs the pure passes
:func:`~spherelang.model.figures.corridor_figures` and
:func:`~spherelang.model.binding.binding_figures` over the capacities: no
parsing, no resolving, no model objects per sample. The random stream is
``random.Random(seed)``, so the same N and seed give the same output.
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Sequence

import attrs

from ..errors import SphereUsageError
from ..model import Indicator, Model, Sphere, binding_figures, corridor_figures
from ..model.binding import EPSILON

#: How a drawn value becomes a term of the capacity.
_CAPACITY, _RANK, _SCORE, _SCORE_LOWER = range(4)


@attrs.frozen(slots=True)
class Draw:
    """One value with ``± SE``: drawn as value + SE × z, clipped to [low, high],
    then normalised as its ``kind`` says; ``position`` is its term's place."""

    position: int
    value: float
    se: float
    low: float
    high: float
    kind: int


@attrs.frozen(slots=True)
class _Uncertain:
    """A sphere whose capacity varies: its fixed terms and the drawn ones."""

    index: int
    terms: tuple[float, ...]
    draws: tuple[Draw, ...]


@attrs.frozen(slots=True)
class Statistic:
    """Mean and nearest-rank 5th and 95th percentiles; None where the figure
    is undefined in every sample."""

    mean: float | None = None
    p05: float | None = None
    p95: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return {"mean": self.mean, "p05": self.p05, "p95": self.p95}


@attrs.frozen(slots=True)
class SphereSamples:
    """One sphere over the samples: ``held`` the share in which COR001 fires;
    ``binding`` each ancestor that binds in some sample with its share (share
    largest first, then tree order)."""

    path: str
    capacity: Statistic
    effective: Statistic
    held: float
    binding: tuple[tuple[str, float], ...]

    def as_dict(self) -> dict[str, object]:
        return {"capacity": self.capacity.as_dict(), "effective": self.effective.as_dict(), "held": self.held,
                "binding": dict(self.binding)}


@attrs.frozen(slots=True)
class Samples:
    """The result of ``--samples N --seed S``: per sphere in tree order, and
    ``ordering``, the share of samples in which the mean capacity per layer
    rises strictly from the outermost layer inwards (LANGUAGE.md §8.5)."""

    n: int
    seed: int
    ordering: float | None
    spheres: tuple[SphereSamples, ...]

    def sphere(self, path: str) -> SphereSamples | None:
        return next((s for s in self.spheres if s.path == path), None)


# ------------------------------------------------------------------ reading the model once


def _indicator_draw(position: int, ind: Indicator) -> Draw:
    if ind.of is not None:
        return Draw(position, ind.value, ind.uncertainty, 1.0, ind.of, _RANK)
    assert ind.low is not None and ind.high is not None
    kind = _SCORE_LOWER if ind.lower_is_better else _SCORE
    return Draw(position, ind.value, ind.uncertainty, ind.low, ind.high, kind)


def _terms(sphere: Sphere) -> tuple[tuple[float, ...], tuple[Draw, ...]]:
    """The terms whose mean is the capacity (the stored figures), and the draws."""
    if sphere.declared_capacity is not None:
        se = sphere.capacity_uncertainty
        draws = (Draw(0, sphere.declared_capacity, se, 0.0, 1.0, _CAPACITY),) if se > 0 else ()
        return (sphere.declared_capacity,), draws
    valid = [i for i in sphere.indicators if i.normalized is not None]
    terms = tuple(i.normalized for i in valid if i.normalized is not None)
    return terms, tuple(_indicator_draw(k, i) for k, i in enumerate(valid) if i.uncertainty > 0)


def uncertain_spheres(model: Model) -> tuple[_Uncertain, ...]:
    """The spheres whose capacity depends on a value with ``± SE``."""
    found = []
    for sphere in model.spheres:
        terms, draws = _terms(sphere)
        if draws:
            found.append(_Uncertain(sphere.index, terms, draws))
    return tuple(found)


# ------------------------------------------------------------------ one sample


def _normalised(d: Draw, z: float) -> float:
    x = min(max(d.value + d.se * z, d.low), d.high)
    if d.kind == _CAPACITY:
        return x
    if d.kind == _RANK:
        return (d.high - x) / (d.high - 1)
    share = (x / 2 - d.low / 2) / (d.high / 2 - d.low / 2)  # halves first, as the resolver does
    return 1.0 - share if d.kind == _SCORE_LOWER else share


def draw_capacities(base: Sequence[float | None], uncertain: Sequence[_Uncertain], rng: random.Random
                    ) -> list[float | None]:
    """The capacities of one sample: ``base`` with each uncertain sphere redrawn."""
    capacities = list(base)
    gauss = rng.gauss
    for u in uncertain:
        terms = list(u.terms)
        for d in u.draws:
            terms[d.position] = _normalised(d, gauss(0.0, 1.0))
        capacities[u.index] = sum(terms) / len(terms)
    return capacities


# ------------------------------------------------------------------ statistics


class _Tally:
    """What the samples gather for one sphere."""

    __slots__ = ("binding", "capacity", "effective", "held")

    def __init__(self) -> None:
        self.capacity = array("d")
        self.effective = array("d")
        self.held = 0
        self.binding: dict[int, int] = {}


def statistic(values: array[float]) -> Statistic:
    """Mean (kept within the values' range, so equal values give that value)
    and the ⌈5n/100⌉-th and ⌈95n/100⌉-th smallest values."""
    n = len(values)
    if n == 0:
        return Statistic()
    rising = sorted(values)
    mean = min(max(math.fsum(rising) / n, rising[0]), rising[-1])
    return Statistic(mean, rising[-(-5 * n // 100) - 1], rising[-(-95 * n // 100) - 1])


def _layer_order(model: Model) -> list[tuple[int, ...]]:
    """Per layer, outermost first, the spheres of that layer that have a capacity
    (capacities are defined in every sample or in none); layers without any left out."""
    groups: dict[str, list[int]] = {layer: [] for layer in model.layers}
    for s in model.spheres:
        if s.capacity is not None and s.layer in groups:
            groups[s.layer].append(s.index)
    return [tuple(g) for g in groups.values() if g]


def ordered(capacities: Sequence[float | None], layers: Sequence[tuple[int, ...]]) -> bool:
    """The mean capacity per layer rises by more than 1e-9 at each step inwards
    (falls strictly from the innermost layer outwards); true with fewer than two layers."""
    previous: float | None = None
    for group in layers:
        mean = sum(capacities[i] or 0.0 for i in group) / len(group)
        if previous is not None and not mean - previous > EPSILON:
            return False
        previous = mean
    return True


# ------------------------------------------------------------------ the run


def check_samples(n: object, seed: object) -> None:
    """``n`` a whole number of at least 1 and ``seed`` a whole number, else :class:`SphereUsageError`."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise SphereUsageError(f"the number of samples must be a whole number of at least 1, not {n!r}")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise SphereUsageError(f"the seed must be a whole number, not {seed!r}")


def sample(model: Model, n: int, seed: int = 0, tolerance: float = 0.05) -> Samples:
    """``n`` samples of ``model`` drawn from ``random.Random(seed)``; ``tolerance``
    is the corridor tolerance of COR001 (what ``held`` counts)."""
    check_samples(n, seed)
    parents = [s.parent for s in model.spheres]
    base = [s.capacity for s in model.spheres]
    uncertain = uncertain_spheres(model)
    layers = _layer_order(model)
    tallies = [_Tally() for _ in model.spheres]
    rng = random.Random(seed)
    in_order = 0
    for _ in range(n):
        capacities = draw_capacities(base, uncertain, rng) if uncertain else base
        _tally(tallies, capacities, parents, tolerance)
        in_order += ordered(capacities, layers)
    return Samples(n, seed, in_order / n, tuple(_summary(model, s, t, n) for s, t in zip(model.spheres, tallies)))


def _tally(tallies: Sequence[_Tally], capacities: Sequence[float | None], parents: Sequence[int | None],
           tolerance: float) -> None:
    corridors = corridor_figures(parents, capacities)
    bindings = binding_figures(parents, capacities)
    limit = tolerance + EPSILON
    for tally, capacity, corridor, bound in zip(tallies, capacities, corridors, bindings):
        if capacity is not None:
            tally.capacity.append(capacity)
            effective = corridor.effective
            assert effective is not None, "a corridor's effective figure is defined with its capacity"
            tally.effective.append(effective)
            if corridor.ceiling is not None and capacity - corridor.ceiling > limit:
                tally.held += 1
        if bound.binding is not None:
            tally.binding[bound.binding] = tally.binding.get(bound.binding, 0) + 1


def _summary(model: Model, sphere: Sphere, tally: _Tally, n: int) -> SphereSamples:
    shares = sorted(tally.binding.items(), key=lambda kv: (-kv[1], kv[0]))
    return SphereSamples(sphere.path, statistic(tally.capacity), statistic(tally.effective), tally.held / n,
                         tuple((model.spheres[i].path, count / n) for i, count in shares))
