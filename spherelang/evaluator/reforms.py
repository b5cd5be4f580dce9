"""What a scenario changes, in figures (LANGUAGE.md §8.2): the gain in
effective capacity, how many spheres rose and fell, which were added and
removed, and which spheres set the ceilings before and after.

Pure: two resolved models in, numbers out. The violations a scenario fixes and
introduces need the checks, so the pipeline adds them
(``spherelang.pipeline.reforms``); the words are the report's.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..model import Model, model_binding

#: Tolerance for "rose" / "fell" and for ties in the ranking (LANGUAGE.md §5).
EPSILON = 1e-9


@attrs.frozen(slots=True)
class Binder:
    """A sphere that sets the ceiling of ``binds`` others (§8.1)."""

    path: str
    name: str
    layer: str
    capacity: float | None
    binds: int
    unlock: float | None


@attrs.frozen(slots=True)
class ReformEffect:
    """The figures of one scenario against its baseline (§8.2): ``gain`` over
    the spheres present (same path) in both with an effective capacity in both."""

    gain: float
    raised: int
    lowered: int
    added: int
    removed: int
    #: The spheres that bind at least one other, before and after, most binds first (then tree order).
    before: tuple[Binder, ...]
    after: tuple[Binder, ...]


def binders(model: Model, year: int | None = None) -> tuple[Binder, ...]:
    """Every sphere that binds at least one other, most binds first, then in tree order."""
    found = [Binder(s.path, s.name, s.layer, s.capacity, b.binds, b.unlock)
             for s, b in zip(model.spheres, model_binding(model)) if b.binds > 0]
    found.sort(key=lambda b: -b.binds)  # stable: tree order among equals
    return tuple(found)


def _effective_by_path(model: Model) -> dict[str, float | None]:
    """The first sphere's effective capacity at each path (a duplicate path is REF002)."""
    out: dict[str, float | None] = {}
    for s in model.spheres:
        out.setdefault(s.path, s.effective)
    return out


def reform_effect(baseline: Model, scenario: Model, year: int | None = None) -> ReformEffect:
    """What ``scenario`` (the baseline with a scenario applied) changes.
    ``year`` is reserved for LANGUAGE.md §8.3."""
    before, after = _effective_by_path(baseline), _effective_by_path(scenario)
    gain, raised, lowered = 0.0, 0, 0
    for path, now in after.items():
        then = before.get(path)
        if now is None or then is None:
            continue
        delta = now - then
        gain += delta
        raised += delta > EPSILON
        lowered += delta < -EPSILON
    added = sum(1 for p in after if p not in before)
    removed = sum(1 for p in before if p not in after)
    return ReformEffect(gain, raised, lowered, added, removed, binders(baseline, year), binders(scenario, year))


def rank_order(names: Sequence[str], gains: Sequence[float]) -> list[int]:
    """Indices in ranking order: largest gain first; gains within ``EPSILON`` of
    the first of their group tie and go by name (then source order)."""
    order = sorted(range(len(names)), key=lambda i: (-gains[i], names[i], i))
    ranked: list[int] = []
    start = 0
    while start < len(order):
        top = gains[order[start]]
        end = start
        while end < len(order) and top - gains[order[end]] <= EPSILON:
            end += 1
        ranked.extend(sorted(order[start:end], key=lambda i: (names[i], i)))
        start = end
    return ranked
