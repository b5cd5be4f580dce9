"""Pure passes over a resolved model: the figures of §5 and scenario overlays.

Nothing here checks or reports: the pipeline combines these passes with the
checks (``spherelang.pipeline.evaluate`` compares a scenario with its baseline).
"""

from .figures import FIGURES, NO_FIGURES, Figures, SphereFigures, sphere_figures
from .scenario import apply_scenario, find_scenario, reread

__all__ = ["FIGURES", "NO_FIGURES", "Figures", "SphereFigures", "apply_scenario", "find_scenario", "reread",
           "sphere_figures"]
