"""Scenarios: overlays on the declarations, applied before resolving again.

``in PATH { members }`` replaces same-named members of the sphere at PATH (or
adds them; a nested ``sphere`` adds or replaces a child, subtree and all);
``remove PATH`` removes a sphere with its subtree, ``remove PATH.member`` one
member. Changes apply in order, so a later change may name a sphere an earlier
one added. A PATH that does not exist is REF001 at that change.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ..diagnostics import Finding, Span
from ..errors import SphereUsageError
from ..loading import LoadedModel
from ..model import Model
from ..resolve import resolve
from ..resolve.suggest import closest
from ..syntax import ast


@attrs.define(eq=False)
class _Node:
    decl: ast.SphereDecl
    file: int
    members: list[ast.Member]
    kids: list[_Node] = attrs.field(factory=list)
    #: Spheres joined with ``within``: children in the model, top-level in their own file.
    attached: list[_Node] = attrs.field(factory=list)
    parent: _Node | None = None
    path: str = ""
    removed: bool = False

    def children(self) -> list[_Node]:
        """Its children in the model: nested in its block, or joined with 'within'."""
        return self.kids + self.attached


class _Overlay:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.findings: list[Finding] = []
        self.top: list[list[_Node]] = [[] for _ in model.files]
        self.by_path: dict[str, _Node] = {}
        by_decl: dict[int, _Node] = {}
        for i, f in enumerate(model.files):
            for decl in f.spheres:
                node = _Node(decl, i, list(decl.members))
                by_decl[id(decl)] = node
            for decl in f.spheres:
                node = by_decl[id(decl)]
                if decl.parent is None:
                    self.top[i].append(node)
                else:
                    parent = by_decl[id(f.spheres[decl.parent])]
                    parent.kids.append(node)
                    node.parent = parent
        for sphere in model.spheres:
            node = by_decl[id(sphere.decl)]
            node.path = sphere.path
            self.by_path.setdefault(sphere.path, node)
            if sphere.parent is not None and sphere.decl.parent is None:  # joined with 'within'
                by_decl[id(model.spheres[sphere.parent].decl)].attached.append(node)

    # ------------------------------------------------------------ changes

    def apply(self, scenario: ast.ScenarioDecl) -> None:
        for change in scenario.changes:
            if isinstance(change, ast.ScenarioIn):
                self.apply_in(change)
            else:
                self.apply_remove(change)

    def unknown(self, path: ast.Path, span: Span, what: str = "sphere") -> None:
        parts = path.text.split(".")
        parent = ".".join(parts[:-1])
        if parent and parent in self.by_path:
            pool = [k.decl.name.text for k in self.by_path[parent].children() if not k.removed]
            pool += [m.name.text for m in self.by_path[parent].members if hasattr(m, "name")]
        else:
            pool = [p for p in self.by_path if "." not in p]
        best = closest(parts[-1], pool)
        suggestion = ".".join(filter(None, [parent if parent in self.by_path else "", best])) if best else None
        self.findings.append(Finding(
            "REF001", f"unknown {what} '{path.text}' in the scenario"
            + (f"; did you mean '{suggestion}'?" if suggestion else ""), span,
            hint="scenario paths are absolute sphere paths, or PATH.member for 'remove'"))

    def apply_in(self, change: ast.ScenarioIn) -> None:
        node = self.by_path.get(change.path.text)
        if node is None:
            self.unknown(change.path, change.span)
            return
        for member in change.members:
            self.put_member(node, member)
        for decl in change.spheres:
            if decl.parent is None:
                self.put_child(node, decl, change.spheres)

    def put_member(self, node: _Node, member: ast.Member) -> None:
        if isinstance(member, ast.AllowDecl):
            node.members.append(member)
            return
        for i, old in enumerate(node.members):
            if _same(old, member):
                node.members[i] = member
                return
        node.members.append(member)

    def put_child(self, node: _Node, decl: ast.SphereDecl, flat: tuple[ast.SphereDecl, ...]) -> None:
        for old in node.children():
            if old.decl.name.text == decl.name.text and not old.removed:
                self.drop(old)
        new = self.graft(node, decl, flat)
        node.kids.append(new)

    def graft(self, parent: _Node, decl: ast.SphereDecl, flat: tuple[ast.SphereDecl, ...]) -> _Node:
        """Copy a scenario's sphere (and its subtree) under ``parent``."""
        root = _Node(decl, parent.file, list(decl.members), parent=parent)
        stack = [(root, decl)]
        while stack:
            node, d = stack.pop()
            node.path = f"{node.parent.path}.{d.name.text}" if node.parent else d.name.text
            self.by_path[node.path] = node
            for k in d.children:
                kid = _Node(flat[k], parent.file, list(flat[k].members), parent=node)
                node.kids.append(kid)
                stack.append((kid, flat[k]))
        return root

    def apply_remove(self, change: ast.ScenarioRemove) -> None:
        text = change.path.text
        node = self.by_path.get(text)
        if node is not None:
            self.drop(node)
            return
        owner_path, _, name = text.rpartition(".")
        owner = self.by_path.get(owner_path) if owner_path else None
        if owner is not None:
            for i, m in enumerate(owner.members):
                if getattr(getattr(m, "name", None), "text", None) == name:
                    del owner.members[i]
                    return
            self.unknown(change.path, change.span, "member")
            return
        self.unknown(change.path, change.span)

    def drop(self, node: _Node) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            n.removed = True
            if self.by_path.get(n.path) is n:
                del self.by_path[n.path]
            stack.extend(n.children())

    # ------------------------------------------------------------ rebuilding

    def files(self) -> tuple[ast.File, ...]:
        out = []
        for i, f in enumerate(self.model.files):
            out.append(attrs.evolve(f, spheres=_flatten(self.top[i])))
        return tuple(out)


def _same(old: ast.Member, new: ast.Member) -> bool:
    if isinstance(new, ast.CapacityDecl):
        return isinstance(old, ast.CapacityDecl)
    name = getattr(new, "name", None)
    old_name = getattr(old, "name", None)
    return name is not None and old_name is not None and name.text == old_name.text


def _flatten(top: Iterable[_Node]) -> tuple[ast.SphereDecl, ...]:
    order = ast.preorder((t for t in top if not t.removed), lambda n: [k for k in n.kids if not k.removed])
    return tuple(
        attrs.evolve(n.decl, members=tuple(n.members), parent=p, children=tuple(kids), depth=d)
        for n, p, d, kids in order
    )


def find_scenario(model: Model, name: str) -> ast.ScenarioDecl:
    for scenario in model.scenarios:
        if scenario.name.text == name:
            return scenario
    known = ", ".join(sorted(s.name.text for s in model.scenarios)) or "none"
    raise SphereUsageError(f"unknown scenario '{name}' (the model's scenarios: {known})")


def apply_scenario(model: Model, name: str) -> Model:
    """The model with scenario ``name`` applied, resolved again; its unknown
    paths are REF001 facts of the returned model. A broken model (a syntax or
    encoding error) has no scenarios to apply: its loading diagnostics are
    what there is to report, so it is returned as it is."""
    if model.broken:
        return attrs.evolve(model, scenario=name)
    scenario = find_scenario(model, name)
    overlay = _Overlay(model)
    overlay.apply(scenario)
    loaded = LoadedModel(model.entry, model.root, overlay.files(), model.loading)
    result = resolve(loaded)
    # every scenario's paths are judged against the baseline, with or without this one applied
    checked = tuple(overlay.findings) + tuple(scenario_findings(model))
    return attrs.evolve(result, facts=result.facts + checked, scenario=name)


def scenario_findings(model: Model) -> list[Finding]:
    """REF001 for every unknown path in every scenario, without applying them."""
    found: list[Finding] = []
    for scenario in model.scenarios:
        overlay = _Overlay(model)
        overlay.apply(scenario)
        found.extend(overlay.findings)
    return found
