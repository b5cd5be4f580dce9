"""The three ways a rule can fail: it does not compile, it fails on a subject,
or it runs out of steps. The runner turns them into RUL001 / RUL002."""

from __future__ import annotations

from ..diagnostics import Span


class RuleCompileError(Exception):
    """A static error in a rule (RUL001 at the rule).

    ``span`` is the rule's declaration (where the diagnostic goes) and
    ``node_span`` the offending part of the expression, when known.
    """

    def __init__(self, message: str, span: Span, hint: str | None = None,
                 node_span: Span | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint
        self.node_span = node_span


class StaticError(Exception):
    """Raised inside the compiler at an expression node; :func:`compile_rule`
    re-raises it as a :class:`RuleCompileError` at the rule."""

    def __init__(self, message: str, span: Span, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint


class RuleRuntimeError(Exception):
    """An expression could not be evaluated (null, type mismatch, division by zero).

    The machine fills ``span`` with the failing instruction's expression node.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.span: Span | None = None


class BudgetExceeded(Exception):
    """A rule used up its step budget (RUL002)."""
