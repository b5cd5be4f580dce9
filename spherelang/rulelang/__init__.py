"""The user rule language (LANGUAGE.md §6): ``rule`` blocks, compiled, never eval'd.

Pipeline: the parser gives each expression as a flat arena
(:class:`spherelang.expression.Expr`); :mod:`.compiler` walks it iteratively,
checks names, functions, arities and attributes statically, and emits a linear
:class:`~.machine.Program` for the stack machine in :mod:`.machine`; the
runner evaluates each rule over its collection and reports findings.

Modules:

- :mod:`.values`   runtime values: truthiness, ``==``, rendering numbers and lists
- :mod:`.schema`   the collections and THE attribute table, the only bridge to the model
- :mod:`.builtins` ``count sum min max any all len abs``
- :mod:`.compiler` ``rule`` blocks -> compiled rules (RUL001); its parts:
  :mod:`.expression_compiler` (arena -> program, checked statically),
  :mod:`.static_types`, :mod:`.scope`, :mod:`.assembler`, :mod:`.hints`
- :mod:`.machine`  the stack machine and its operations
- :mod:`.runner`   :func:`run_user_rules`: violations, RUL001, RUL002 (RUL003 is for plugins)
- :mod:`.plugins`  rules written in Python (``@rule``, entry points)

Safety: no ``eval``/``exec``/``compile``, and no Python attribute is ever read
by a name a rule wrote: attribute names are keys of the table in
:mod:`.schema`, function names keys of :data:`.builtins.BUILTINS`, and message
templates are joined from rendered values, never formatted.
"""

from .builtins import BUILTINS
from .compiler import CompiledRule, compile_expression, compile_rule
from .errors import BudgetExceeded, RuleCompileError, RuleRuntimeError, StaticError
from .plugins import (
    Finding,
    PluginRun,
    PythonRule,
    RuleRegistry,
    load_entry_points,
    registered_rules,
    rule,
    run_python_rules,
)
from .runner import DEFAULT_BUDGET, RuleRun, evaluate, run_rule, run_user_rules
from .schema import ATTRIBUTES, COLLECTIONS, ModelView
from .values import format_number

__all__ = [
    "ATTRIBUTES",
    "BUILTINS",
    "COLLECTIONS",
    "DEFAULT_BUDGET",
    "BudgetExceeded",
    "CompiledRule",
    "Finding",
    "ModelView",
    "PluginRun",
    "PythonRule",
    "RuleCompileError",
    "RuleRegistry",
    "RuleRun",
    "RuleRuntimeError",
    "StaticError",
    "compile_expression",
    "compile_rule",
    "evaluate",
    "format_number",
    "load_entry_points",
    "registered_rules",
    "rule",
    "run_python_rules",
    "run_rule",
    "run_user_rules",
]
