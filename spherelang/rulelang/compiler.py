"""Compiling ``rule`` blocks (LANGUAGE.md §6) once, before any model is checked.

A rule's ``where``, ``require`` and the expressions of its message template
each become a :class:`~.machine.Program` (:mod:`.expression_compiler`), all in
one scope holding the rule's variable. A rule that cannot be compiled is
reported as RUL001 at the rule, pointing at the offending expression.

The parts of the compiler, by job:

- :mod:`.static_types`         static types; what operators and built-ins accept and give
- :mod:`.scope`                the variables in scope and their machine slots
- :mod:`.assembler`            emitting instructions, labels, fusing pairs
- :mod:`.hints`                did-you-mean and the other hints for unknown names
- :mod:`.expression_compiler`  one expression arena -> program, checked statically
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..diagnostics import Span
from ..expression import Expr, Message
from ..model import Rule
from .errors import RuleCompileError, StaticError
from .expression_compiler import compile_to_program
from .hints import unknown_collection_hint
from .machine import Program
from .schema import COLLECTIONS
from .scope import Scope
from .static_types import Ty


@attrs.frozen(eq=False)
class CompiledRule:
    """A rule ready to run over its collection."""

    code: str
    summary: str
    collection: str
    var: str
    where: Program | None
    require: Program
    message: tuple[str | Program, ...] | None
    n_slots: int
    span: Span
    #: The ``where`` and ``require`` expressions, for a failure that is the
    #: value of the whole expression (``require s.name``: not true or false).
    where_span: Span | None = None
    require_span: Span | None = None


def compile_expression(expr: Expr, bound: Sequence[tuple[str, str]] = ()) -> tuple[Program, int]:
    """Compile one expression with variables ``bound`` as (name, kind) in slots
    0, 1, ...; returns the program and the number of slots it needs.
    Raises :class:`StaticError` at the offending node."""
    scope = Scope([(name, Ty(kind)) for name, kind in bound])
    program, _ = compile_to_program(expr, scope)
    return program, scope.n_slots


def _compile_message(message: Message, scope: Scope) -> tuple[str | Program, ...]:
    """A message template as its literal parts and the programs of its holes."""
    return tuple(part if isinstance(part, str) else compile_to_program(part, scope)[0]
                 for part in message.parts)


def compile_rule(rule: Rule) -> CompiledRule:
    """Compile a rule once; raises :class:`RuleCompileError` (RUL001) at the rule."""
    code = rule.code
    try:
        collection = rule.collection
        kind = COLLECTIONS.get(collection)
        if kind is None:
            raise StaticError(f"unknown collection '{collection}'", rule.collection_span,
                              unknown_collection_hint(collection))
        scope = Scope([(rule.var, Ty(kind))])
        where = None if rule.where is None else compile_to_program(rule.where, scope)[0]
        require = compile_to_program(rule.require, scope)[0]
        message = None if rule.message is None else _compile_message(rule.message, scope)
    except StaticError as exc:
        raise RuleCompileError(f"rule '{code}': {exc.message}", rule.span, exc.hint, exc.span) from None
    return CompiledRule(
        code=code,
        summary=rule.summary,
        collection=collection,
        var=rule.var,
        where=where,
        require=require,
        message=message,
        n_slots=scope.n_slots,
        span=rule.span,
        where_span=None if rule.where is None else rule.where.span,
        require_span=rule.require.span,
    )
