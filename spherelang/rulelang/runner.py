"""Running a model's ``rule`` blocks over it: their violations, and what went
wrong running them (findings without a severity: the pipeline stamps them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..config import DEFAULT_RULE_BUDGET
from ..diagnostics import Finding, Related, Span
from ..expression import Expr
from ..model import Model, Rule, Sphere
from .compiler import CompiledRule, compile_expression, compile_rule
from .errors import BudgetExceeded, RuleCompileError, RuleRuntimeError
from .machine import Program, run
from .schema import ModelView
from .values import Frame, kind_of, render, truthy

DEFAULT_BUDGET = DEFAULT_RULE_BUDGET

#: The note on a RUL001's related location: the part of the rule that failed.
_FAILED_HERE = "the expression that fails"


@attrs.frozen
class RuleRun:
    """What running a model's rules gave: ``violations`` carry the rules' own
    codes (stamped with the ``rule`` block's severity), ``problems`` the rule
    engine's (RUL001, RUL002; REF002 for a code two rules use)."""

    violations: tuple[Finding, ...]
    problems: tuple[Finding, ...]


def run_user_rules(model: Model, *, budget: int = DEFAULT_BUDGET) -> RuleRun:
    """Every ``rule`` of ``model`` over its collection; a rule that fails
    reports one RUL001 or RUL002 and nothing else, and a rule whose code an
    earlier rule took is not run. A rule may use a built-in code: its
    violations carry that code, as LANGUAGE.md §4 says ("the rule's CODE")."""
    view = ModelView(model)
    violations: list[Finding] = []
    problems: list[Finding] = []
    claimed: dict[str, Span] = {}
    for rule in model.rules:
        if claimed.get(rule.code) == rule.span:
            continue  # the same declaration reached twice (a file imported twice)
        first = claimed.get(rule.code)
        if first is not None:
            problems.append(_duplicate_code(rule, first))
            continue
        claimed[rule.code] = rule.span
        try:
            compiled = compile_rule(rule)
        except RuleCompileError as exc:
            related = (Related(exc.node_span, _FAILED_HERE),) if exc.node_span is not None else ()
            problems.append(Finding("RUL001", exc.message, exc.span, hint=exc.hint, related=related))
            continue
        found, failure = run_rule(compiled, view, budget=budget)
        violations.extend(found)
        if failure is not None:
            problems.append(failure)
    return RuleRun(tuple(violations), tuple(problems))


def _duplicate_code(rule: Rule, first: Span) -> Finding:
    where = f"line {first.line}" if first.file == rule.span.file else f"{first.file}:{first.line}"
    return Finding("REF002", f"duplicate rule code '{rule.code}'", rule.span,
                   hint=f"the rule at {where} already uses it; give each rule its own code",
                   related=(Related(first, "first used here"),))


def run_rule(rule: CompiledRule, view: ModelView, *,
             budget: int = DEFAULT_BUDGET) -> tuple[list[Finding], Finding | None]:
    """The rule's violations over its collection, and the failure that stopped
    it (RUL001 or RUL002), if any, after the violations found before it."""
    frame = Frame(view, rule.n_slots, budget)
    slots = frame.slots
    where, require = rule.where, rule.require
    found: list[Finding] = []
    subject: Any = None
    try:
        for subject in view.collections[rule.collection]:
            slots[0] = subject
            if where is not None and not _holds(where, rule.where_span, frame):
                continue
            if _holds(require, rule.require_span, frame):
                continue
            found.append(_violation(rule, view, subject, frame))
    except RuleRuntimeError as exc:
        return found, _failure(rule, view, subject, exc)
    except BudgetExceeded:
        return found, Finding("RUL002", f"rule '{rule.code}' exceeded its evaluation budget of {budget} steps",
                              rule.span, hint="loop over fewer elements (a 'where' clause, a narrower collection)")
    return found, None


def _holds(program: Program, span: Span | None, frame: Frame) -> bool:
    """Whether a ``where`` or ``require`` holds; a value that is neither true
    nor false is a failure of the whole expression (``span``)."""
    value = run(program, frame)
    try:
        return truthy(value)
    except RuleRuntimeError as exc:
        exc.span = exc.span or span
        raise


def _rendered(program: Program, frame: Frame) -> str:
    """A ``{hole}`` of a message as text; a value that cannot be shown fails
    the hole's whole expression."""
    value = run(program, frame)
    try:
        return render(value, frame)
    except RuleRuntimeError as exc:
        exc.span = exc.span or (program.spans[-1] if program.spans else None)
        raise


def _violation(rule: CompiledRule, view: ModelView, subject: Any, frame: Frame) -> Finding:
    sphere, member = _where(view, subject)
    if rule.message is None:
        message, hint = rule.summary, None
    else:
        # Plain concatenation: a template never reaches str.format or '%'.
        message = "".join(part if isinstance(part, str) else _rendered(part, frame) for part in rule.message)
        hint = rule.summary
    return Finding(rule.code, message, subject.span, sphere=sphere.path, hint=hint, subject=member)


def _where(view: ModelView, subject: Any) -> tuple[Sphere, str | None]:
    """The sphere a subject concerns and, for a member, its name."""
    if type(subject) is Sphere:
        return subject, None
    return view.sphere(subject.sphere), subject.name


def describe_subject(view: ModelView, subject: Any) -> str:
    sphere, member = _where(view, subject)
    if member is None:
        return f"sphere '{sphere.path}'"
    return f"{kind_of(subject)} '{member}' of '{sphere.path}'"


def _failure(rule: CompiledRule, view: ModelView, subject: Any, exc: RuleRuntimeError) -> Finding:
    related = (Related(exc.span, _FAILED_HERE),) if exc.span is not None else ()
    return Finding("RUL001", f"rule '{rule.code}' failed on {describe_subject(view, subject)}: {exc.message}",
                   rule.span, hint=exc.hint, related=related)


def evaluate(expr: Expr, model: Model, bindings: Mapping[str, object] | None = None, *,
             budget: int = DEFAULT_BUDGET) -> object:
    """Evaluate one expression against ``model`` with variables ``bindings``
    (model objects or plain values). Raises :class:`~.errors.StaticError`,
    :class:`~.errors.RuleRuntimeError` or :class:`~.errors.BudgetExceeded`."""
    values = {name: _plain(value) for name, value in (bindings or {}).items()}
    bound = []
    for name, value in values.items():
        kind = kind_of(value)
        if kind == "unknown":
            raise TypeError(f"cannot bind {name!r} to a {type(value).__name__}")
        bound.append((name, kind))
    program, n_slots = compile_expression(expr, bound)
    frame = Frame(ModelView(model), n_slots, budget)
    frame.slots[: len(values)] = list(values.values())
    return run(program, frame)


def _plain(value: object) -> object:
    """Python ints and lists as the rule language holds them (floats, tuples)."""
    if type(value) is int:
        return float(value)
    if type(value) is list:
        return tuple(_plain(v) for v in value)
    return value
