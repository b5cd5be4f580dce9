"""Pure passes over a resolved model: the figures of §5 and scenario overlays.

Nothing here checks or reports: the pipeline combines these passes with the
checks (``spherelang.pipeline.evaluate`` compares a scenario with its baseline).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_getattr
from .figures import FIGURES, NO_FIGURES, Figures, SphereFigures, sphere_figures
from .years import at_year

# The rest is imported when first asked for: a plain `sphere check` needs none
# of it, and importing it all would be a fifth of a small check's time.
if TYPE_CHECKING:
    from .compare import ModelSummary, illustrative_layers, merged_layers, summarise
    from .reforms import Binder, ReformEffect, binders, rank_order, reform_effect
    from .scenario import apply_scenario, find_scenario, reread
    from .provenance import illustrative_figures, nearest_binding_ancestors
    from .trends import SphereTrend, Trend, trend
    from .samples import Samples, SphereSamples, Statistic, check_samples, sample

_LAZY = {
    "ModelSummary": ".compare",
    "illustrative_layers": ".compare",
    "merged_layers": ".compare",
    "summarise": ".compare",
    "Binder": ".reforms",
    "ReformEffect": ".reforms",
    "binders": ".reforms",
    "rank_order": ".reforms",
    "reform_effect": ".reforms",
    "apply_scenario": ".scenario",
    "find_scenario": ".scenario",
    "reread": ".scenario",
    "illustrative_figures": ".provenance",
    "nearest_binding_ancestors": ".provenance",
    "SphereTrend": ".trends",
    "Trend": ".trends",
    "trend": ".trends",
    "Samples": ".samples",
    "SphereSamples": ".samples",
    "Statistic": ".samples",
    "check_samples": ".samples",
    "sample": ".samples",
}

if not TYPE_CHECKING:
    __getattr__ = lazy_getattr(__name__, _LAZY, globals())


__all__ = [
    "FIGURES",
    "NO_FIGURES",
    "Binder",
    "Figures",
    "ModelSummary",
    "ReformEffect",
    "SphereFigures",
    "SphereSamples",
    "Samples",
    "Statistic",
    "SphereTrend",
    "Trend",
    "apply_scenario",
    "at_year",
    "binders",
    "check_samples",
    "find_scenario",
    "illustrative_figures",
    "illustrative_layers",
    "merged_layers",
    "nearest_binding_ancestors",
    "rank_order",
    "reform_effect",
    "reread",
    "sample",
    "sphere_figures",
    "summarise",
    "trend",
]
