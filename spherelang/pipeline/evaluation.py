"""``sphere eval``: a model's figures and violations, or a scenario's beside
its baseline with the violations it fixes and introduces (LANGUAGE.md §5)."""

from __future__ import annotations

import attrs

from ..config import DEFAULT_CONFIG, Config
from ..diagnostics import Diagnostic
from ..evaluator import (
    Samples,
    SphereFigures,
    Trend,
    apply_scenario,
    at_year,
    check_samples,
    sample,
    sphere_figures,
    trend,
)
from ..loading import LoadedModel
from ..model import Model
from .batch import sort_and_dedupe
from .single import diagnose


@attrs.frozen(slots=True)
class Evaluation:
    """``spheres`` in tree order; with a scenario, ``fixed`` and ``introduced``
    compare its violations with the baseline's (same code, sphere and subject)."""

    scenario: str | None
    spheres: tuple[SphereFigures, ...]
    violations: tuple[Diagnostic, ...]
    fixed: tuple[Diagnostic, ...] = ()
    introduced: tuple[Diagnostic, ...] = ()
    #: The model the figures are of (with a scenario, the model after it).
    model: Model | None = attrs.field(default=None, eq=False, repr=False)
    #: With a scenario: the model before it.
    baseline_model: Model | None = attrs.field(default=None, eq=False, repr=False)
    #: With ``samples=N``: the figures over N draws of the ``± SE`` values (LANGUAGE.md §8.5).
    samples: Samples | None = None

    def sphere(self, path: str) -> SphereFigures | None:
        return next((s for s in self.spheres if s.path == path), None)


def fixed_and_introduced(before: tuple[Diagnostic, ...], after: tuple[Diagnostic, ...]
                         ) -> tuple[tuple[Diagnostic, ...], tuple[Diagnostic, ...]]:
    """The violations of ``before`` gone ``after``, and those new (same code, sphere and subject, §5)."""
    old_ids = {v.identity for v in before}
    new_ids = {v.identity for v in after}
    return (tuple(v for v in before if v.identity not in new_ids),
            tuple(v for v in after if v.identity not in old_ids))


def evaluate(model: Model, scenario: str | None = None, config: Config = DEFAULT_CONFIG,
             loaded: LoadedModel | None = None, *, year: int | None = None, samples: int | None = None,
             seed: int = 0) -> Evaluation:
    """Figures and violations of ``model``, or of ``scenario`` against it
    (``loaded``: the load ``model`` came from, if the caller kept it, so the
    scenario's overlay need not read the files again).

    ``year`` (else ``config.year``) selects the values of the indicator series
    that count (LANGUAGE.md §8.3); a model resolved at another year is moved
    to it without resolving again. Without either, the model's own year.

    ``samples=N`` (N >= 1) adds the figures over N draws of the values written
    with ``± SE`` from ``seed`` (LANGUAGE.md §8.5), of the model as evaluated
    (after the scenario); a broken model has no figures to sample (``ordering`` None).
    """
    if samples is not None:
        check_samples(samples, seed)
    ev = _evaluate(model, scenario, config, loaded, year)
    if samples is None:
        return ev
    if ev.model is None or ev.model.broken:
        return attrs.evolve(ev, samples=Samples(samples, seed, None, ()))
    return attrs.evolve(ev, samples=sample(ev.model, samples, seed, config.corridor_tolerance))


def _evaluate(model: Model, scenario: str | None, config: Config, loaded: LoadedModel | None,
              year: int | None) -> Evaluation:
    wanted = year if year is not None else config.year
    if wanted is not None and wanted != model.year:
        model = at_year(model, wanted)
    base_violations = sort_and_dedupe(diagnose(model, config))
    if model.broken:  # a file that does not parse: no figures, only what went wrong
        return Evaluation(scenario, (), base_violations, model=model)
    if scenario is None:
        return Evaluation(None, sphere_figures(model), base_violations, model=model)
    changed = apply_scenario(model, scenario, loaded, limits=config.limits)
    violations = sort_and_dedupe(diagnose(changed, config))
    fixed, introduced = fixed_and_introduced(base_violations, violations)
    return Evaluation(scenario, sphere_figures(changed, model), violations, fixed, introduced, changed, model)


def evaluate_trend(model: Model, scenario: str | None = None, config: Config = DEFAULT_CONFIG,
                   loaded: LoadedModel | None = None) -> Trend:
    """``sphere trend``: the figures of ``model`` (with ``scenario`` applied) at
    every year written in it (LANGUAGE.md §8.3). The model is resolved once
    (twice with a scenario); each year is a pure pass over it."""
    if scenario is not None and not model.broken:
        model = apply_scenario(model, scenario, loaded, limits=config.limits)
    return trend(model)
