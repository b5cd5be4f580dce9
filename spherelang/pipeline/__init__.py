"""The pipeline: path → loaded files → resolved model → stamped, suppressed
diagnostics → :class:`Report`.

:mod:`.single` takes one model through; :mod:`.batch` checks many entries
(processes, the result cache) and merges them; :mod:`.evaluation` compares a
scenario with its baseline. The CLI and the Python API share these.
"""

from .batch import (
           EntryResult,
           check_entries,
           check_entry,
           merge_models,
           sort_and_dedupe,
)
from .compare import ComparedModel, Comparison, compare
from .evaluation import Evaluation, evaluate, evaluate_trend
from .gc import paused_gc
from .reforms import Reform, Reforms, rank_reforms
from .report import Report
from .single import (
           diagnose,
           diagnose_alone,
           model_files,
           open_model,
           open_model_and_load,
           stamped_findings,
)
from .stamp import stamp, syntax_error

__all__ = [
           "ComparedModel",
           "Comparison",
           "EntryResult",
           "Evaluation",
           "Reform",
           "Reforms",
           "Report",
           "check_entries",
           "check_entry",
           "compare",
           "diagnose",
           "diagnose_alone",
           "evaluate",
           "evaluate_trend",
           "merge_models",
           "model_files",
           "open_model",
           "open_model_and_load",
           "paused_gc",
           "rank_reforms",
           "sort_and_dedupe",
           "stamp",
           "stamped_findings",
           "syntax_error",
]
