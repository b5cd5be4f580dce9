"""The dynamic part: scenarios and the evaluator's figures (LANGUAGE.md §5)."""

from .figures import Evaluation, Figures, SphereFigures, evaluate
from .scenario import apply_scenario, find_scenario, scenario_findings

__all__ = ["Evaluation", "Figures", "SphereFigures", "apply_scenario", "evaluate", "find_scenario",
           "scenario_findings"]
