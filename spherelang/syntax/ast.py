"""The abstract syntax tree: attrs frozen classes, each carrying its span.

The tree is deliberately *flat* where input controls depth: a file's spheres
are one pre-order tuple linked by parent indices, and an expression is an arena
of nodes whose children are indices. Equality, hashing and ``repr`` therefore
never recurse, however deep a model nests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, Union

import attrs

from ..diagnostics import Severity, Span
from ..expression import Expr as Expr, ExprNode as ExprNode, Message as Message  # re-exported for the parser

_T = TypeVar("_T")

if TYPE_CHECKING:
    # Type checkers know attrs.frozen by name (fields, __init__, attrs.evolve);
    # the decorator below makes the same class and only adds __reduce__.
    from attrs import frozen
else:
    _freeze = attrs.frozen(slots=True)

    def frozen(cls: type[_T]) -> type[_T]:
        """attrs frozen, slotted, and pickled as ``cls(*fields)`` — several times
        faster to load than attrs' generic state protocol (see loading.cache).
        loading.prefetch_protocol recognises the ``__reduce__`` by its name
        (``frozen.<locals>.__reduce__``)."""
        made = _freeze(cls)
        names = tuple(f.name for f in attrs.fields(made))

        def __reduce__(self: object) -> tuple[type, tuple[Any, ...]]:
            return (type(self), tuple(getattr(self, n) for n in names))

        made.__reduce__ = __reduce__
        return made


#: Fields that only say where a node is; equal meaning ignores them.
POSITION_FIELDS = frozenset({"span", "file", "line", "column", "end_column"})


@frozen
class Name:
    """A name as written. The most numerous node of a model, so its position is
    kept inline (no separate :class:`Span`); ``span`` is built on demand."""

    text: str
    file: str
    line: int
    column: int

    @classmethod
    def at(cls, text: str, span: Span) -> Name:
        return cls(text, span.file, span.line, span.column)

    @property
    def span(self) -> Span:
        return Span(self.file, self.line, self.column, self.line, self.column + len(self.text))


@frozen
class Number:
    """A numeric literal; ``text`` keeps it as written (``15_000_000``, ``1.5e9``, ``-0.3``)."""

    value: float
    text: str
    file: str
    line: int
    column: int
    end_column: int

    @classmethod
    def at(cls, value: float, text: str, span: Span) -> Number:
        return cls(value, text, span.file, span.line, span.column, span.end_column)

    @property
    def span(self) -> Span:
        return Span(self.file, self.line, self.column, self.line, self.end_column)


@frozen
class Quantity:
    number: Number
    unit: Name | None

    @property
    def span(self) -> Span:
        return self.number.span.to(self.unit.span) if self.unit else self.number.span

    @property
    def value(self) -> float:
        return self.number.value

    @property
    def unit_text(self) -> str | None:
        return self.unit.text if self.unit else None


@frozen
class Path:
    """Dotted names: ``State.Government.Finance``."""

    parts: tuple[Name, ...]

    @property
    def span(self) -> Span:
        return self.parts[0].span.to(self.parts[-1].span)

    @property
    def text(self) -> str:
        return ".".join(p.text for p in self.parts)


@frozen
class MemberRef:
    """``from X.m``: a sphere path (absolute, or an ancestor's bare name) and a member."""

    sphere: Path
    member: Name

    @property
    def span(self) -> Span:
        return self.sphere.span.to(self.member.span)

    @property
    def text(self) -> str:
        return f"{self.sphere.text}.{self.member.text}"


# ------------------------------------------------------------------ members


@frozen
class PowerDecl:
    name: Name
    description: str | None
    source: MemberRef | None
    span: Span
    kind = "power"


@frozen
class Requirement:
    name: Name
    amount: Quantity | None

    @property
    def span(self) -> Span:
        return self.name.span.to(self.amount.span) if self.amount else self.name.span


@frozen
class ResponsibilityDecl:
    name: Name
    description: str | None
    requires: tuple[Requirement, ...]
    shared: bool
    span: Span
    kind = "responsibility"


@frozen
class ResourceDecl:
    name: Name
    amount: Quantity
    source: MemberRef | None
    span: Span
    kind = "resource"


@frozen
class IndicatorDecl:
    """``r of N`` (``of_`` set) or ``x in lo..hi`` (``low``/``high`` set);
    ``uncertainty`` is the ``± SE`` as written, ``year`` the ``year YEAR``."""

    name: Name
    value: Number
    of_: Number | None
    low: Number | None
    high: Number | None
    lower_is_better: bool
    source: str | None
    span: Span
    uncertainty: Number | None = None
    year: Number | None = None
    illustrative: bool = False
    kind = "indicator"

    @property
    def is_rank(self) -> bool:
        return self.of_ is not None


@frozen
class ChannelDecl:
    name: Name
    strength: Number
    description: str | None
    span: Span
    kind = "channel"


@frozen
class CapacityDecl:
    value: Number
    span: Span
    uncertainty: Number | None = None
    illustrative: bool = False
    kind = "capacity"


@frozen
class AllowDecl:
    code: Name
    reason: str | None
    span: Span
    kind = "allow"


NamedMember = Union[PowerDecl, ResponsibilityDecl, ResourceDecl, IndicatorDecl, ChannelDecl]
Member = Union[NamedMember, CapacityDecl, AllowDecl]


N = TypeVar("N")


def preorder(top: Iterable[N], kids: Callable[[N], Iterable[N]]) -> list[tuple[N, int | None, int, list[int]]]:
    """Number a forest in pre-order without recursion: for each node, its
    parent's index, its depth and (filled in as the walk goes) its children's
    indices. How a tuple of :class:`SphereDecl` is laid out."""
    order: list[tuple[N, int | None, int, list[int]]] = []
    stack: list[tuple[N, int | None, int]] = [(n, None, 0) for n in reversed(list(top))]
    while stack:
        node, parent, depth = stack.pop()
        index = len(order)
        order.append((node, parent, depth, []))
        if parent is not None:
            order[parent][3].append(index)
        stack.extend((k, index, depth + 1) for k in reversed(list(kids(node))))
    return order


@frozen
class SphereDecl:
    """One ``sphere`` block, without its children (see ``children``).

    ``members`` is a tuple of nodes, or the fast path's
    :class:`~spherelang.syntax.deferred.DeferredMembers` (built when read).
    ``span`` covers the header (``sphere NAME : LAYER ... within PATH``), where
    diagnostics about the sphere are reported; ``parent`` and ``children`` are
    indices into the tuple that holds this declaration.
    """

    name: Name
    layer: Name
    title: str | None
    within: Path | None
    members: Sequence[Member]
    span: Span
    parent: int | None
    children: tuple[int, ...]
    depth: int


# ------------------------------------------------------------------ rules and scenarios


@frozen
class RuleDecl:
    code: Name
    summary: str
    severity: Severity | None
    var: Name
    collection: Name
    where: Expr | None
    require: Expr
    message: Message | None
    span: Span


# ------------------------------------------------------------------ scenarios


@frozen
class ScenarioIn:
    """``in PATH { members }``; ``spheres`` are added or replacing children,
    flat like a file's, with ``parent is None`` for direct children of PATH."""

    path: Path
    members: tuple[Member, ...]
    spheres: tuple[SphereDecl, ...]
    span: Span


@frozen
class ScenarioRemove:
    path: Path
    span: Span


@frozen
class ScenarioDecl:
    name: Name
    title: str | None
    changes: tuple[ScenarioIn | ScenarioRemove, ...]
    span: Span


# ------------------------------------------------------------------ files


@frozen
class ModelStmt:
    title: str
    span: Span


@frozen
class ImportStmt:
    target: str
    span: Span


@frozen
class LayersStmt:
    names: tuple[Name, ...]
    span: Span


@frozen
class Suppression:
    """A trailing ``// sphere: ignore[CODE, ...]`` (no codes: every code on the line)."""

    codes: tuple[str, ...]
    span: Span


@frozen
class File:
    """One parsed ``.sphere`` file; ``spheres`` in pre-order."""

    path: str
    model: ModelStmt | None
    imports: tuple[ImportStmt, ...]
    layers: tuple[LayersStmt, ...]
    spheres: tuple[SphereDecl, ...]
    rules: tuple[RuleDecl, ...]
    scenarios: tuple[ScenarioDecl, ...]
    suppressions: tuple[Suppression, ...] = ()
