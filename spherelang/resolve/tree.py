"""The sphere tree: layers, paths, ``within``, and each sphere's declarations.

:func:`build_tree` places every sphere declaration of a model's files: nested
spheres under their block's sphere, top-level spheres with ``within`` under
the sphere they name (as soon as that sphere's path is known), the rest as
roots. It numbers the spheres in pre-order, collects each sphere's first
declaration of every member name, and records as states what could not take
its place: duplicates (REF002) and spheres whose ``within`` names nothing.
Every walk uses an explicit stack.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import attrs

from ..diagnostics import Span
from ..model import Allow, Duplicate
from ..syntax import ast
from ..syntax.deferred import member_at, member_heads

DEFAULT_LAYERS = ("political", "administrative", "operational", "body")


class Declared(NamedTuple):
    """A sphere's first statement of a name, before the sphere is built: its
    kind, its position among the sphere's members and, for a resource, its
    unit. What a later sphere asks of a name (the kind; the unit once built)
    a model member answers too, so lookups need not tell them apart, and the
    statement itself need not be kept: the fast path builds statements when
    they are read, and the resolver reads each sphere's once, as it builds it."""

    kind: str
    position: int  # among the sphere's members (not `index`: that is tuple.index)
    unit: str | None = None  # a NamedTuple: one is made for every name of a national model


@attrs.define
class Scope:
    """A sphere on its way into the model: its declaration, place and first
    member of each name (a :class:`Declared`, replaced by the model's member
    once the sphere is built)."""

    index: int
    decl: ast.SphereDecl
    parent: int | None
    depth: int
    path: str
    children: list[int] = attrs.field(factory=list)
    members: dict[str, Any] = attrs.field(factory=dict)
    capacity_decl: ast.CapacityDecl | None = None
    allows: set[str] | None = None  # most spheres allow nothing: no empty set each
    channel_count: int = 0          # ``channel`` statements, duplicates included (ELA001)
    #: Later statements of an indicator series (LANGUAGE.md §8.3), by position among the members.
    series: set[int] | None = None


@attrs.define
class Tree:
    """The placed spheres of a model, and what did not fit."""

    layers: tuple[str, ...]
    layer_rank: dict[str, int]
    scopes: list[Scope]
    by_path: dict[str, int]
    duplicates: list[Duplicate]
    #: Top-level declarations whose ``within`` names no sphere.
    detached: list[ast.SphereDecl]
    #: The ``allow`` statements of the placed spheres (SUP002).
    allows: list[Allow] = attrs.field(factory=list)

    def ancestors(self, scope: Scope) -> Iterator[Scope]:
        """Nearest first."""
        index = scope.parent
        while index is not None:
            found = self.scopes[index]
            yield found
            index = found.parent


@attrs.define
class _Node:
    """A sphere declaration before it has a number."""

    decl: ast.SphereDecl
    kids: list[int]                    # lexical children (node ids)
    attached: list[int] | None = None  # spheres joined by ``within``
    path: str | None = None

    def children(self) -> list[int]:
        return self.kids + self.attached if self.attached else self.kids


def build_tree(files: Sequence[ast.File]) -> Tree:
    """Place, number and collect the spheres of ``files`` (see the module docstring)."""
    duplicates: list[Duplicate] = []
    layers = _read_layers(files, duplicates)
    nodes, roots, pending = _gather(files)
    _assign_paths(nodes, roots, pending)
    scopes, by_path = _number(nodes, roots, duplicates)
    detached = [nodes[nid].decl for ids in pending.values() for nid in ids if nodes[nid].path is None]
    tree = Tree(layers, {name: k for k, name in enumerate(layers)}, scopes, by_path, duplicates, detached)
    _collect_members(tree)
    return tree


def _read_layers(files: Sequence[ast.File], duplicates: list[Duplicate]) -> tuple[str, ...]:
    """The model's layer order: its one ``layers`` statement, else the default."""
    stmts = [s for f in files for s in f.layers]
    if not stmts:
        return DEFAULT_LAYERS
    first = stmts[0]
    names: dict[str, None] = {}
    for n in first.names:
        if n.text in names:
            duplicates.append(Duplicate("layer", n.text, n.span))
        else:
            names[n.text] = None
    written = tuple(n.text for n in first.names)
    for other in stmts[1:]:
        same = tuple(n.text for n in other.names) == written
        duplicates.append(Duplicate("layers", "layers", other.span, first.span, same=same))
    return tuple(names)


def _gather(files: Sequence[ast.File]) -> tuple[list[_Node], list[int], dict[str, list[int]]]:
    """Every declaration as a node; the roots; top-level ones waiting for the
    sphere their ``within`` names."""
    nodes: list[_Node] = []
    roots: list[int] = []
    pending: dict[str, list[int]] = defaultdict(list)
    for file in files:
        base = len(nodes)
        for decl in file.spheres:
            nodes.append(_Node(decl, [base + k for k in decl.children]))
        for k, decl in enumerate(file.spheres):
            if decl.parent is not None:
                continue
            if decl.within is not None:
                pending[decl.within.text].append(base + k)
            else:
                roots.append(base + k)
    return nodes, roots, pending


def _assign_paths(nodes: list[_Node], roots: list[int], pending: dict[str, list[int]]) -> None:
    """Give every reachable node its path, attaching ``within`` spheres as
    soon as the sphere they name is known (first declaration of a path)."""
    known: set[str] = set()
    stack: list[tuple[int, str | None]] = [(r, None) for r in reversed(roots)]
    while stack:
        nid, parent_path = stack.pop()
        node = nodes[nid]
        path = node.decl.name.text if parent_path is None else f"{parent_path}.{node.decl.name.text}"
        node.path = path
        if path not in known:
            known.add(path)
            joined = pending.get(path)
            if joined:
                node.attached = list(joined)
        for kid in reversed(node.children()):
            stack.append((kid, path))


def _number(nodes: list[_Node], roots: list[int],
            duplicates: list[Duplicate]) -> tuple[list[Scope], dict[str, int]]:
    """Pre-order numbering of the final tree; a second sphere of one path is a duplicate."""
    scopes: list[Scope] = []
    by_path: dict[str, int] = {}
    stack: list[tuple[int, int | None, int]] = [(r, None, 0) for r in reversed(roots)]
    sibling_names: dict[int | None, dict[str, Span]] = defaultdict(dict)
    while stack:
        nid, parent, depth = stack.pop()
        node = nodes[nid]
        assert node.path is not None
        index = len(scopes)
        scopes.append(Scope(index, node.decl, parent, depth, node.path))
        if parent is not None:
            scopes[parent].children.append(index)
        seen = sibling_names[parent]
        name = node.decl.name.text
        if name in seen:
            duplicates.append(Duplicate("sphere", node.path, node.decl.span, seen[name], sphere=node.path))
        else:
            seen[name] = node.decl.span
            by_path[node.path] = index
        for kid in reversed(node.children()):
            stack.append((kid, index, depth + 1))
    return scopes, by_path


def _collect_members(tree: Tree) -> None:
    """Each sphere's first declaration of every name, its capacity and allows.

    Only the kind, name and unit of each statement are read here (the fast
    path keeps them beside its unbuilt statements); a statement itself is built
    only where it is needed: a capacity, a name declared twice, a series.
    ``Scope.members`` is filled later, by :func:`first_declarations`, when the
    sphere is built: a national model's names need not all be held at once."""
    for scope in tree.scopes:
        members = scope.decl.members
        firsts: dict[str, int] = {}
        for position, (kind, name, unit) in enumerate(member_heads(members)):
            if kind == "capacity":
                capacity = member_at(members, position)
                assert isinstance(capacity, ast.CapacityDecl)
                if scope.capacity_decl is None:
                    scope.capacity_decl = capacity
                else:
                    tree.duplicates.append(Duplicate("capacity", "capacity", capacity.span,
                                                     scope.capacity_decl.span, sphere=scope.path))
                continue
            assert name is not None, "every statement but capacity has a name"
            if kind == "allow":
                if scope.allows is None:
                    scope.allows = set()
                scope.allows.add(name)
                allow = member_at(members, position)  # built alone: SUP002 points at the code
                assert isinstance(allow, ast.AllowDecl)
                tree.allows.append(Allow(allow.code.text, allow.code.span, scope.path))
            elif name not in firsts:
                firsts[name] = position
            else:
                if not isinstance(members, tuple):
                    # a name declared again: build this sphere's statements once here,
                    # not one by one (each lookup would re-read the block's text)
                    members = tuple(members)
                _declared_again(tree, scope, members, firsts[name], position)


def first_declarations(members: Sequence[ast.Member]) -> dict[str, Declared]:
    """The first statement of each name among a sphere's ``members``."""
    firsts: dict[str, Declared] = {}
    for position, (kind, name, unit) in enumerate(member_heads(members)):
        if name is not None and kind not in ("allow", "capacity") and name not in firsts:
            firsts[name] = Declared(kind, position, unit)
    return firsts


def _declared_again(tree: Tree, scope: Scope, members: Sequence[ast.Member], first_at: int,
                    position: int) -> None:
    """A name declared before in the sphere: another year of an indicator series, or REF002."""
    first, member = member_at(members, first_at), member_at(members, position)
    # both have a name: _collect_members takes capacity and allow statements apart
    assert not isinstance(first, ast.CapacityDecl | ast.AllowDecl)
    assert not isinstance(member, ast.CapacityDecl | ast.AllowDecl)
    if isinstance(member, ast.IndicatorDecl) and isinstance(first, ast.IndicatorDecl) and (
            member.year is not None or first.year is not None):
        _join_series(tree, scope, members, first, member, position)
    else:
        tree.duplicates.append(Duplicate("member", member.name.text, member.span, first.span,
                                         sphere=scope.path, first_kind=first.kind))


def _join_series(tree: Tree, scope: Scope, members: Sequence[ast.Member], first: ast.IndicatorDecl,
                 member: ast.IndicatorDecl, position: int) -> None:
    """A later statement of an indicator of one name: another year of its series,
    or REF002 (the same year twice, or one with a year and one without)."""
    if scope.series is None:
        scope.series = set()
    name = member.name.text
    later = (member_at(members, k) for k in sorted(scope.series))
    # the series holds indicator statements only
    taken = [first] + [m for m in later if isinstance(m, ast.IndicatorDecl) and m.name.text == name]
    clash = None
    if member.year is None or first.year is None:
        clash = next(t for t in taken if (t.year is None) != (member.year is None))
        kind = "series-mixed"
    else:
        clash = next((t for t in taken if t.year is not None and t.year.value == member.year.value), None)
        kind = "series-year"
    if clash is None:
        scope.series.add(position)
    else:
        tree.duplicates.append(Duplicate(kind, name, member.span, clash.span, sphere=scope.path,
                                         year=member.year.text if member.year is not None else None))
