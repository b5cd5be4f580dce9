"""A sphere's member statements as the fast path read them, built into AST
nodes only when someone iterates them.

A national model's AST is mostly member statements (``power``, ``resource``,
``responsibility``...), each a dozen small objects: names, numbers, spans. The
resolver needs them one sphere at a time and drops each sphere's statements
as soon as its members are made, so keeping them as text until then lets the
AST and the model never both be whole: for 30,000 spheres the member
statements cost their source text (a few MB) instead of about 100 MB of nodes.

The fast path checks at parse time everything that could make a statement
fail to build (its names), so building later never fails. Each iteration
builds fresh nodes: nothing is cached, which is the point.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import overload

from . import ast


class DeferredMembers(Sequence[ast.Member]):
    """The member statements of one sphere block, in source order: the text of
    each (from its keyword, one per line of ``text``) with its line and the
    column offset where it starts. Compares equal to the tuple of nodes it builds."""

    __slots__ = ("heads", "path", "positions", "text")

    def __init__(self, path: str, entries: Sequence[tuple[int, int, str, str, str | None, str | None]]) -> None:
        self.path = path
        self.text = "\n".join(entry[2] for entry in entries)
        self.positions = array("q")
        heads: list[str | None] = []
        for number, indent, _, kind, name, unit in entries:
            self.positions.append(number)
            self.positions.append(indent)
            heads += (kind, name, unit)
        #: (kind, name, unit) of each statement, flat: what the resolver asks of
        #: every statement before it needs the statement itself
        self.heads: tuple[str | None, ...] = tuple(heads)

    def at(self, k: int) -> ast.Member:
        """The node of statement ``k`` alone."""
        from .fastpath import build_member

        return build_member(self.path, self.positions[2 * k], self.positions[2 * k + 1], self.text.split("\n")[k],
                            self.heads[3 * k])

    def __iter__(self) -> Iterator[ast.Member]:
        from .fastpath import build_member  # the fast path's patterns and handlers

        positions, path, heads = self.positions, self.path, self.heads
        for k, stripped in enumerate(self.text.split("\n")):
            yield build_member(path, positions[2 * k], positions[2 * k + 1], stripped, heads[3 * k])

    def __len__(self) -> int:
        return len(self.positions) // 2

    @overload
    def __getitem__(self, index: int) -> ast.Member: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ast.Member, ...]: ...

    def __getitem__(self, index: int | slice) -> ast.Member | tuple[ast.Member, ...]:
        return tuple(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DeferredMembers):
            return (self.path, self.text, self.positions) == (other.path, other.text, other.positions) \
                or tuple(self) == tuple(other)
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"DeferredMembers({len(self)} statements of {self.path!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.path, self.text, bytes(self.positions), self.heads))


def _rebuild(path: str, text: str, positions: bytes, heads: tuple[str | None, ...]) -> DeferredMembers:
    made = DeferredMembers.__new__(DeferredMembers)
    made.path, made.text, made.heads = path, text, heads
    made.positions = array("q")
    made.positions.frombytes(positions)
    return made


def member_heads(members: Sequence[ast.Member]) -> Iterator[tuple[str, str | None, str | None]]:
    """(kind, name, unit) of each member statement, in order, without building
    deferred ones: the name is an allow's code, None for ``capacity``; the unit
    a resource's, else None."""
    if isinstance(members, DeferredMembers):
        heads = members.heads
        for k in range(0, len(heads), 3):
            kind = heads[k]
            assert kind is not None, "every statement has a kind (names and units may be None)"
            yield kind, heads[k + 1], heads[k + 2]
        return
    for m in members:
        name = m.code.text if isinstance(m, ast.AllowDecl) else getattr(m, "name", None)
        yield m.kind, name if name is None or isinstance(name, str) else name.text, \
            m.amount.unit_text if isinstance(m, ast.ResourceDecl) else None


def member_at(members: Sequence[ast.Member], k: int) -> ast.Member:
    """Member statement ``k`` (built alone if deferred)."""
    return members.at(k) if isinstance(members, DeferredMembers) else members[k]
