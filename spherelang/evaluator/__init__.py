"""Pure passes over a resolved model: the figures of §5 and scenario overlays.

Nothing here checks or reports: the pipeline combines these passes with the
checks (``spherelang.pipeline.evaluate`` compares a scenario with its baseline).
"""

from .compare import ModelSummary, illustrative_layers, merged_layers, summarise
from .figures import FIGURES, NO_FIGURES, Figures, SphereFigures, sphere_figures
from .reforms import Binder, ReformEffect, binders, rank_order, reform_effect
from .scenario import apply_scenario, find_scenario, reread
from .provenance import illustrative_figures, nearest_binding_ancestors
from .trend import SphereTrend, Trend, trend
from .samples import Samples, SphereSamples, Statistic, check_samples, sample
from .years import at_year

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
