"""``sphere reforms``: every scenario of a model applied in turn and ranked by
what it gains (LANGUAGE.md §8.2, §8.7)."""

from __future__ import annotations

import attrs

from ..config import DEFAULT_CONFIG, Config
from ..diagnostics import Diagnostic
from ..evaluator import Binder, apply_scenario, rank_order, reform_effect
from ..loading import LoadedModel
from ..model import Model
from .batch import sort_and_dedupe
from .evaluation import fixed_and_introduced
from .single import diagnose


@attrs.frozen(slots=True)
class Reform:
    """One scenario against the baseline: its place in the ranking, the
    figures of §8.2, the violations it fixes and introduces, and the spheres
    that bind before and after it (most binds first)."""

    rank: int
    scenario: str
    title: str | None
    gain: float
    raised: int
    lowered: int
    added: int
    removed: int
    fixed: tuple[Diagnostic, ...]
    introduced: tuple[Diagnostic, ...]
    binders_before: tuple[Binder, ...] = attrs.field(default=(), repr=False)
    binders_after: tuple[Binder, ...] = attrs.field(default=(), repr=False)


@attrs.frozen(slots=True)
class Reforms:
    """Every scenario of a model, best first; ``violations`` are the
    baseline's (for a broken model, its loading diagnostics and no reforms)."""

    reforms: tuple[Reform, ...]
    violations: tuple[Diagnostic, ...]
    broken: bool = False


def scenario_names(model: Model) -> list[tuple[str, str | None]]:
    """The model's scenarios in source order, each name once (a second one is REF002)."""
    seen: dict[str, str | None] = {}
    for scenario in model.scenarios:
        seen.setdefault(scenario.name, scenario.title)
    return list(seen.items())


def rank_reforms(model: Model, config: Config = DEFAULT_CONFIG, loaded: LoadedModel | None = None,
                 year: int | None = None) -> Reforms:
    """Apply each scenario of ``model`` in turn and rank them (§8.2): gain
    first, ties within 1e-9 by name. ``loaded``: the load ``model`` came from,
    if the caller kept it. ``year`` is reserved for LANGUAGE.md §8.3."""
    base = sort_and_dedupe(diagnose(model, config))
    if model.broken:
        return Reforms((), base, broken=True)
    found: list[Reform] = []
    for name, title in scenario_names(model):
        changed = apply_scenario(model, name, loaded, limits=config.limits)
        effect = reform_effect(model, changed, year)
        fixed, introduced = fixed_and_introduced(base, sort_and_dedupe(diagnose(changed, config)))
        del changed
        found.append(Reform(0, name, title, effect.gain, effect.raised, effect.lowered, effect.added, effect.removed,
                            fixed, introduced, effect.before, effect.after))
    order = rank_order([r.scenario for r in found], [r.gain for r in found])
    return Reforms(tuple(attrs.evolve(found[i], rank=n) for n, i in enumerate(order, 1)), base)
