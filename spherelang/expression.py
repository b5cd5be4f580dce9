"""A rule expression as plain data: a flat arena of nodes.

The parser builds it, the resolved model keeps it (a ``rule`` is a
declaration of the model, not only of its file) and :mod:`spherelang.rulelang`
compiles it. The arena is flat on purpose: children are indices of earlier
nodes, so equality, hashing and ``repr`` never recurse, however deeply an
expression nests.
"""

from __future__ import annotations

import attrs

from .diagnostics import Span


@attrs.frozen(slots=True)
class ExprNode:
    """One node of an expression arena.

    ``kind`` is one of ``number string constant name attribute unary binary
    call list listcomp gen``; ``value`` is the literal, name, attribute, operator,
    function name or comprehension variable; ``children`` index earlier nodes.
    For ``listcomp`` and ``gen`` the children are (iterable, element[, condition]).
    """

    kind: str
    value: object
    children: tuple[int, ...]
    span: Span


@attrs.frozen(slots=True)
class Expr:
    """An expression as an arena: children always precede parents; the root is last."""

    nodes: tuple[ExprNode, ...]

    @property
    def root(self) -> int:
        return len(self.nodes) - 1

    @property
    def span(self) -> Span:
        return self.nodes[-1].span


@attrs.frozen(slots=True)
class Message:
    """A ``message`` template: literal text and ``{expression}`` parts in order."""

    parts: tuple[str | Expr, ...]
    span: Span
