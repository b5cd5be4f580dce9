"""Running user rules over a model and stamping what they find as diagnostics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..diagnostics import Diagnostic, Severity, Span
from ..model import Model, Sphere
from ..syntax import ast
from .compiler import CompiledRule, compile_expression, compile_rule
from .errors import BudgetExceeded, RuleCompileError, RuleRuntimeError
from .machine import run
from .schema import ModelView
from .values import Frame, kind_of, render, truthy

DEFAULT_BUDGET = 1_000_000


def check_user_rules(model: Model, *, builtin_codes: frozenset[str],
                     budget: int = DEFAULT_BUDGET) -> list[Diagnostic]:
    """Every user rule of ``model``: its violations, and one RUL001 or RUL002 for
    a rule that fails; a rule whose code another rule took (REF002) is not run.
    A rule may use a built-in code: its violations carry that code, as
    LANGUAGE.md §4 says ("the rule's CODE"); ``builtin_codes`` is for callers
    that pass it on."""
    view = ModelView(model)
    diagnostics: list[Diagnostic] = []
    claimed: dict[str, Span] = {}
    for rule in model.rules:
        code = rule.code.text
        if claimed.get(code) == rule.span:
            continue  # the same declaration reached twice (a file imported twice)
        clash = _code_clash(rule, builtin_codes, claimed)
        if clash is not None:
            diagnostics.append(clash)
            continue
        claimed[code] = rule.span
        try:
            compiled = compile_rule(rule)
        except RuleCompileError as exc:
            related = (exc.node_span,) if exc.node_span is not None else ()
            diagnostics.append(Diagnostic("RUL001", Severity.ERROR, exc.message, exc.span,
                                          hint=exc.hint, related=related))
            continue
        diagnostics.extend(run_rule(compiled, view, budget=budget))
    return diagnostics


def _code_clash(rule: ast.RuleDecl, builtin_codes: frozenset[str],
                claimed: Mapping[str, Span]) -> Diagnostic | None:
    code = rule.code.text
    first = claimed.get(code)
    if first is not None:
        where = f"line {first.line}" if first.file == rule.span.file else f"{first.file}:{first.line}"
        return Diagnostic("REF002", Severity.ERROR, f"duplicate rule code '{code}'", rule.span,
                          hint=f"the rule at {where} already uses it; give each rule its own code",
                          related=(first,))
    return None


def run_rule(rule: CompiledRule, view: ModelView, *, budget: int = DEFAULT_BUDGET) -> list[Diagnostic]:
    """The rule's violations over its collection; a failure stops the rule and
    is reported after the violations found before it."""
    frame = Frame(view, rule.n_slots, budget)
    slots = frame.slots
    where, require = rule.where, rule.require
    found: list[Diagnostic] = []
    subject: Any = None
    try:
        for subject in view.collections[rule.collection]:
            slots[0] = subject
            if where is not None and not truthy(run(where, frame)):
                continue
            if truthy(run(require, frame)):
                continue
            found.append(_violation(rule, view, subject, frame))
    except RuleRuntimeError as exc:
        found.append(_failure(rule, view, subject, exc))
    except BudgetExceeded:
        found.append(Diagnostic("RUL002", Severity.ERROR,
                                f"rule '{rule.code}' exceeded its evaluation budget of {budget} steps", rule.span,
                                hint="loop over fewer elements (a 'where' clause, a narrower collection)"))
    return found


def _violation(rule: CompiledRule, view: ModelView, subject: Any, frame: Frame) -> Diagnostic:
    sphere, member = _where(view, subject)
    if rule.message is None:
        message, hint = rule.summary, None
    else:
        # Plain concatenation: a template never reaches str.format or '%'.
        message = "".join(part if isinstance(part, str) else render(run(part, frame), frame)
                          for part in rule.message)
        hint = rule.summary
    return Diagnostic(rule.code, rule.severity, message, subject.span, sphere=sphere.path,
                      hint=hint, subject=member)


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


def _failure(rule: CompiledRule, view: ModelView, subject: Any, exc: RuleRuntimeError) -> Diagnostic:
    related = (exc.span,) if exc.span is not None else ()
    return Diagnostic("RUL001", Severity.ERROR,
                      f"rule '{rule.code}' failed on {describe_subject(view, subject)}: {exc.message}",
                      rule.span, hint=exc.hint, related=related)


def evaluate(expr: ast.Expr, model: Model, bindings: Mapping[str, object] | None = None, *,
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
