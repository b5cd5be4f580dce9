"""Scenario paths: whether each ``in`` or ``remove`` names something that exists.

A scenario's changes apply in order, so a later change may name a sphere an
earlier one added, or miss one an earlier one removed. Every scenario is
judged against the baseline tree, whether or not it is applied: the paths are
replayed here on a skeleton of the tree (names, children, member names), and
each change records whether its path existed and, if not, the nearest one
that did (LANGUAGE.md §5: an unknown PATH is REF001 at that change).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..diagnostics import Span
from ..model import Scenario, ScenarioChange
from ..syntax import ast
from ..syntax.deferred import member_heads
from ..suggest import closest
from .tree import Tree


@attrs.define(eq=False)
class _Node:
    name: str
    path: str
    members: list[str]
    kids: list[_Node] = attrs.field(factory=list)
    removed: bool = False


class _Replay:
    def __init__(self, tree: Tree) -> None:
        self.by_path: dict[str, _Node] = {}
        nodes: list[_Node] = []
        for scope in tree.scopes:
            names = [name for kind, name, _ in member_heads(scope.decl.members)
                     if name is not None and kind not in ("allow", "capacity")]
            node = _Node(scope.decl.name.text, scope.path, names)
            nodes.append(node)
            self.by_path.setdefault(scope.path, node)
            if scope.parent is not None:
                nodes[scope.parent].kids.append(node)

    def run(self, decl: ast.ScenarioDecl) -> Scenario:
        changes = tuple(self.apply_in(c) if isinstance(c, ast.ScenarioIn) else self.apply_remove(c)
                        for c in decl.changes)
        return Scenario(decl.name.text, decl.title, changes, decl.span)

    def apply_in(self, change: ast.ScenarioIn) -> ScenarioChange:
        path = change.path.text
        node = self.by_path.get(path)
        if node is None:
            return self.unknown("in", path, change.span, "sphere")
        for member in change.members:
            if isinstance(member, ast.AllowDecl) or not hasattr(member, "name"):
                continue
            if member.name.text not in node.members:
                node.members.append(member.name.text)
        for decl in change.spheres:
            if decl.parent is None:
                self.put_child(node, decl, change.spheres)
        return ScenarioChange("in", path, change.span)

    def put_child(self, node: _Node, decl: ast.SphereDecl, flat: tuple[ast.SphereDecl, ...]) -> None:
        for old in node.kids:
            if old.name == decl.name.text and not old.removed:
                self.drop(old)
        root = _Node(decl.name.text, f"{node.path}.{decl.name.text}", [])
        node.kids.append(root)
        stack = [(root, decl)]
        while stack:
            made, d = stack.pop()
            made.members = [m.name.text for m in d.members if hasattr(m, "name")]
            self.by_path[made.path] = made
            for k in d.children:
                kid = _Node(flat[k].name.text, f"{made.path}.{flat[k].name.text}", [])
                made.kids.append(kid)
                stack.append((kid, flat[k]))

    def apply_remove(self, change: ast.ScenarioRemove) -> ScenarioChange:
        path = change.path.text
        node = self.by_path.get(path)
        if node is not None:
            self.drop(node)
            return ScenarioChange("remove", path, change.span)
        owner_path, _, name = path.rpartition(".")
        owner = self.by_path.get(owner_path) if owner_path else None
        if owner is None:
            return self.unknown("remove", path, change.span, "sphere")
        if name in owner.members:
            owner.members.remove(name)
            return ScenarioChange("remove", path, change.span)
        return self.unknown("remove", path, change.span, "member")

    def drop(self, node: _Node) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            n.removed = True
            if self.by_path.get(n.path) is n:
                del self.by_path[n.path]
            stack.extend(n.kids)

    def unknown(self, action: str, path: str, span: Span, missing: str) -> ScenarioChange:
        """The change's path does not exist: the nearest one that does, by its last part."""
        parts = path.split(".")
        parent = ".".join(parts[:-1])
        holder = self.by_path.get(parent) if parent else None
        if holder is not None:
            pool = [k.name for k in holder.kids if not k.removed] + holder.members
        else:
            pool = [p for p in self.by_path if "." not in p]
        best = closest(parts[-1], pool)
        nearest = ".".join(filter(None, [parent if holder is not None else "", best])) if best else None
        return ScenarioChange(action, path, span, missing, nearest)


def scenario_states(tree: Tree, decls: Sequence[ast.ScenarioDecl]) -> tuple[Scenario, ...]:
    """Every scenario with the state of each change, each replayed on its own
    copy of the baseline tree."""
    return tuple(_Replay(tree).run(decl) for decl in decls)
