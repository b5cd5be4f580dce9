"""User rules: codes about the `rule` blocks themselves (see spherelang.rulelang)."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Finding, Severity
from ..model import Model
from .registry import Context, code

E = Severity.ERROR


def _run_by_rule_engine(model: Model, ctx: Context) -> Iterable[Finding]:
    return ()  # the rule engine reports these while it runs the rules


@code("RUL001", "rule-error", E, "a rule cannot be evaluated", "rules")
def rule_error(model: Model, ctx: Context) -> Iterable[Finding]:
    """A user rule cannot be evaluated: an unknown name, attribute or function,
    a wrong number of arguments, a type mismatch, a division by zero, or
    ordering, arithmetic or an attribute on `null`. Reported once per rule, at
    its `rule` line; the rule reports nothing else.

    ## Why it matters
    A rule that fails silently passes everything; a failing rule must be loud.

    ## Example
        rule ORG002 "rooted" { for s in spheres
          require s.parent.layer == "political" }       // a root's parent is null

    ## How to fix
    Guard with `and`, which short-circuits: `s.parent == null or s.parent.layer == "political"`.
    """
    return _run_by_rule_engine(model, ctx)


@code("RUL002", "rule-budget", E, "a rule exceeded its evaluation budget", "rules")
def rule_budget(model: Model, ctx: Context) -> Iterable[Finding]:
    """A user rule took more evaluation steps than its budget (1,000,000 by
    default, `rule-budget` in the configuration).

    ## Why it matters
    The linter must answer quickly on any input; a rule that compares every
    sphere with every other grows with the square of the model.

    ## How to fix
    Narrow the rule with `where`, or avoid nested comprehensions over
    model-wide collections.
    """
    return _run_by_rule_engine(model, ctx)


@code("RUL003", "rule-code-taken", E, "a Python rule plugin uses a built-in code", "rules")
def rule_code_taken(model: Model, ctx: Context) -> Iterable[Finding]:
    """An installed Python rule (a plugin) registers a code that a built-in
    check already uses; the plugin is not run. Reported at the model's entry
    file. (A `rule` written in a model may use any code, built-in ones
    included: its violations carry that code.)

    ## Why it matters
    Codes are stable identifiers used in `allow`, `--select` and CI baselines;
    a package should not take one that means something else everywhere.

    ## How to fix
    Register the rule under a code with your own prefix, e.g. `ORG001`.
    """
    return _run_by_rule_engine(model, ctx)
