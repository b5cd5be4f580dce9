"""User rules: codes about the `rule` blocks themselves (see spherelang.rulelang)."""

from __future__ import annotations

from ..diagnostics import Severity
from .registry import found_by

E = Severity.ERROR


@found_by("the rule engine", "RUL001", "rule-error", E, "a rule cannot be evaluated", "rules")
def rule_error() -> None:
    """A user rule cannot be evaluated: an unknown name, attribute or function,
    a wrong number of arguments, a type mismatch, a division by zero, or
    ordering, arithmetic or an attribute on `null`. Reported once per rule, at
    its `rule` line, with the part of the expression that failed as a related
    location; the rule reports nothing else.

    ## Why it matters
    A rule that fails silently passes everything; a failing rule must be loud.

    ## Example
        rule ORG002 "rooted" { for s in spheres
          require s.parent.layer == "political" }       // a root's parent is null

    ## How to fix
    Guard with `and`, which short-circuits: `s.parent == null or s.parent.layer == "political"`.
    """


@found_by("the rule engine", "RUL002", "rule-budget", E, "a rule exceeded its evaluation budget", "rules")
def rule_budget() -> None:
    """A user rule took more evaluation steps than its budget (1,000,000 by
    default, `rule-budget` in the configuration).

    ## Why it matters
    The linter must answer quickly on any input; a rule that compares every
    sphere with every other grows with the square of the model.

    ## Example
        rule PAIR001 "unique titles" { for s in spheres       // RUL002 on a large model
          require count([t for t in spheres if t.title == s.title]) == 1 }

    ## How to fix
    Narrow the rule with `where`, or avoid nested comprehensions over
    model-wide collections.
    """


@found_by("the rule engine", "RUL003", "rule-code-taken", E, "a Python rule plugin uses a built-in code", "rules")
def rule_code_taken() -> None:
    """An installed Python rule (a plugin) registers a code that a built-in
    check already uses; the plugin is not run. Reported at the model's entry
    file. (A `rule` written in a model may use any code, built-in ones
    included: its violations carry that code.)

    ## Why it matters
    Codes are stable identifiers used in `allow`, `--select` and CI baselines;
    a package should not take one that means something else everywhere.

    ## Example
        @spherelang.rule("BAL001", "my own balance rule")     # RUL003: BAL001 is built in
        def mine(model): ...

    ## How to fix
    Register the rule under a code with your own prefix, e.g. `ORG001`.
    """
