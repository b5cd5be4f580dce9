"""What is under the cursor in a document's syntax tree, and what it names in
the resolved model.

The spheres of a file are in source order, so the sphere whose block holds
the cursor is found by bisection on the headers and a walk up the parents:
a lookup costs the depth of the tree, not its size.
"""

from __future__ import annotations

import bisect
import re
from typing import Union

import attrs

from ..diagnostics import Span
from ..model import Member, Model, Sphere
from ..syntax import ast
from .positions import Lines

_CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IGNORE = re.compile(r"ignore\[([^\]]*)\]")


@attrs.frozen
class OnSphere:
    """A sphere's header (its name, layer or title)."""

    decl: ast.SphereDecl
    path: str


@attrs.frozen
class OnMember:
    """A member's statement, away from the names it refers to."""

    decl: ast.Member
    sphere: str


@attrs.frozen
class OnFrom:
    """Part ``part`` of the ``from`` reference of a power or resource (the last part names the member)."""

    decl: ast.PowerDecl | ast.ResourceDecl
    sphere: str
    part: int
    span: Span


@attrs.frozen
class OnRequirement:
    name: str
    sphere: str
    span: Span


@attrs.frozen
class OnPath:
    """An absolute path: a ``within``, or a scenario's ``in`` or ``remove`` (``member``: it may name one)."""

    path: str
    span: Span
    member: bool = False


@attrs.frozen
class OnImport:
    stmt: ast.ImportStmt


@attrs.frozen
class OnCode:
    """A code in ``allow``, in ``// sphere: ignore[...]`` or at the head of a ``rule``."""

    code: str
    span: Span


Found = Union[OnSphere, OnMember, OnFrom, OnRequirement, OnPath, OnImport, OnCode]


def contains(span: Span, line: int, column: int) -> bool:
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)


class Index:
    """A file's spheres by path and by position."""

    def __init__(self, tree: ast.File) -> None:
        self.tree = tree
        self.paths: list[str] = []
        for decl in tree.spheres:
            if decl.parent is not None:
                self.paths.append(f"{self.paths[decl.parent]}.{decl.name.text}")
            elif decl.within is not None:
                self.paths.append(f"{decl.within.text}.{decl.name.text}")
            else:
                self.paths.append(decl.name.text)
        self.starts = [(d.span.line, d.span.column) for d in tree.spheres]

    def enclosing(self, line: int, column: int) -> int | None:
        """The last sphere whose header starts at or before the position."""
        at = bisect.bisect_right(self.starts, (line, column)) - 1
        return at if at >= 0 else None

    def locate(self, line: int, column: int, lines: Lines) -> Found | None:
        """What is at (``line``, ``column``), both from 1 in code points."""
        tree = self.tree
        for stmt in tree.imports:
            if contains(stmt.span, line, column):
                return OnImport(stmt)
        for sup in tree.suppressions:
            if contains(sup.span, line, column):
                return _code_in_comment(sup, line, column, lines)
        index = self.enclosing(line, column)
        while index is not None:
            found = self._in_sphere(index, line, column)
            if found is not None:
                return found
            index = tree.spheres[index].parent
        for rule in tree.rules:
            if contains(rule.code.span, line, column):
                return OnCode(rule.code.text, rule.code.span)
        for scenario in tree.scenarios:
            for change in scenario.changes:
                if contains(change.path.span, line, column):
                    return _on_path(change.path, line, column, isinstance(change, ast.ScenarioRemove))
        return None

    def _in_sphere(self, index: int, line: int, column: int) -> Found | None:
        decl = self.tree.spheres[index]
        path = self.paths[index]
        if contains(decl.span, line, column):
            if decl.within is not None and contains(decl.within.span, line, column):
                return _on_path(decl.within, line, column, False)
            return OnSphere(decl, path)
        for member in decl.members:
            if contains(member.span, line, column):
                return _in_member(member, path, line, column)
        return None


def _on_path(path: ast.Path, line: int, column: int, member: bool) -> OnPath:
    for k, part in enumerate(path.parts):
        if contains(part.span, line, column):
            prefix = ".".join(p.text for p in path.parts[: k + 1])
            return OnPath(prefix, part.span, member and k == len(path.parts) - 1)
    return OnPath(path.text, path.span, member)


def _in_member(member: ast.Member, sphere: str, line: int, column: int) -> Found:
    if isinstance(member, (ast.PowerDecl, ast.ResourceDecl)) and member.source is not None:
        parts = (*member.source.sphere.parts, member.source.member)
        for k, part in enumerate(parts):
            if contains(part.span, line, column):
                return OnFrom(member, sphere, k, part.span)
    if isinstance(member, ast.ResponsibilityDecl):
        for req in member.requires:
            if contains(req.name.span, line, column):
                return OnRequirement(req.name.text, sphere, req.name.span)
    if isinstance(member, ast.AllowDecl) and contains(member.code.span, line, column):
        return OnCode(member.code.text, member.code.span)
    return OnMember(member, sphere)


def _code_in_comment(sup: ast.Suppression, line: int, column: int, lines: Lines) -> OnCode | None:
    text = lines.line(sup.span.line - 1)
    start = sup.span.column - 1
    found = _IGNORE.search(text, start)
    if found is None:
        return None
    for code in _CODE.finditer(text, found.start(1), found.end(1)):
        if code.start() + 1 <= column <= code.end() + 1:
            span = Span(sup.span.file, line, code.start() + 1, line, code.end() + 1)
            return OnCode(code.group().upper(), span)
    return None


# ---------------------------------------------------------------- what it names in the model

Target = Union[Sphere, Member]


def sphere_of(model: Model, path: str, span: Span | None = None) -> Sphere | None:
    """The model's sphere at ``path``; with ``span``, only if it is that declaration (not a duplicate's)."""
    found = model.find(path)
    if found is None or (span is not None and found.span != span):
        return None
    return found


def member_of(model: Model, sphere: str, decl: ast.Member) -> Member | None:
    """The model's member declared by ``decl`` in the sphere at ``sphere``."""
    holder = model.find(sphere)
    name = getattr(decl, "name", None)
    if holder is None or name is None:
        return None
    found = holder.member(name.text)
    if found is not None and found.span == decl.span:
        return found
    # an indicator series keeps only the statement that counts among the members
    return next((i for i in holder.indicator_statements if i.span == decl.span), None)


def target(model: Model, found: Found) -> Target | None:
    """The sphere or member a reference under the cursor names, if it resolves."""
    if isinstance(found, OnSphere):
        return sphere_of(model, found.path, found.decl.span)
    if isinstance(found, OnMember):
        return member_of(model, found.sphere, found.decl)
    if isinstance(found, OnPath):
        return _path_target(model, found)
    if isinstance(found, OnRequirement):
        return _requirement_target(model, found)
    if isinstance(found, OnFrom):
        return _from_target(model, found)
    return None


def _path_target(model: Model, found: OnPath) -> Target | None:
    sphere = model.find(found.path)
    if sphere is not None or not found.member:
        return sphere
    owner, _, name = found.path.rpartition(".")
    holder = model.find(owner)
    return holder.member(name) if holder is not None else None


def _requirement_target(model: Model, found: OnRequirement) -> Target | None:
    holder = model.find(found.sphere)
    scope: Sphere | None = holder
    while scope is not None:  # a name only an ancestor holds (BAL007) still leads somewhere
        member = scope.member(found.name)
        if member is not None:
            return member
        scope = model.parent(scope)
    return None


def _from_target(model: Model, found: OnFrom) -> Target | None:
    member = member_of(model, found.sphere, found.decl)
    link = getattr(member, "grant", None) or getattr(member, "source", None)
    if link is None or link.sphere is None:
        return None
    sphere: Sphere | None = model.spheres[link.sphere]
    assert found.decl.source is not None
    sphere_parts = len(found.decl.source.sphere.parts)
    if found.part == sphere_parts:  # the member's own name
        return sphere.member(link.name) if sphere is not None and link.name else None
    for _ in range(sphere_parts - 1 - found.part):
        sphere = model.parent(sphere) if sphere is not None else None
    return sphere
