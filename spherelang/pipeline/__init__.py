"""The pipeline: path → loaded files → resolved model → stamped, suppressed
diagnostics → :class:`Report`.

:mod:`.single` takes one model through; :mod:`.batch` checks many entries
(processes, the result cache) and merges them; :mod:`.evaluation` compares a
scenario with its baseline. The CLI and the Python API share these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_getattr
from .batch import EntryResult, check_entries, check_entry, merge_models, sort_and_dedupe
from .gc import paused_gc
from .report import Report
from .single import diagnose, diagnose_alone, model_files, open_model, open_model_and_load, stamped_findings
from .stamp import stamp, syntax_error

# The rest is imported when first asked for: a plain `sphere check` needs none
# of it, and importing it all would be a fifth of a small check's time.
if TYPE_CHECKING:
    from .comparison import ComparedModel, Comparison, compare
    from .evaluation import Evaluation, evaluate, evaluate_trend
    from .reforms import Reform, Reforms, rank_reforms

_LAZY = {
    "ComparedModel": ".comparison",
    "Comparison": ".comparison",
    "compare": ".comparison",
    "Evaluation": ".evaluation",
    "evaluate": ".evaluation",
    "evaluate_trend": ".evaluation",
    "Reform": ".reforms",
    "Reforms": ".reforms",
    "rank_reforms": ".reforms",
}

if not TYPE_CHECKING:
    __getattr__ = lazy_getattr(__name__, _LAZY, globals())


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
