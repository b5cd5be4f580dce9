"""Scenarios: overlays on the declarations, applied before resolving again.

``in PATH { members }`` replaces same-named members of the sphere at PATH (or
adds them; an indicator replaces its whole series, LANGUAGE.md §8.3; a nested ``sphere`` adds or replaces a child, subtree and all);
``remove PATH`` removes a sphere with its subtree, ``remove PATH.member`` one
member. Changes apply in order, so a later change may name a sphere an earlier
one added. A PATH that does not exist changes nothing; the resolver records it
(REF001 at that change) whether or not the scenario is applied.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ..config import DEFAULT_LIMITS, Limits
from ..errors import SphereUsageError
from ..loading import LoadedModel, load_model
from ..model import Model, Scenario
from ..resolve import build_tree, resolve
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
    """The declarations of a model's files as a mutable tree the changes edit."""

    def __init__(self, files: tuple[ast.File, ...]) -> None:
        self.files = files
        self.top: list[list[_Node]] = [[] for _ in files]
        self.by_path: dict[str, _Node] = {}
        by_decl: dict[int, _Node] = {}
        for i, f in enumerate(files):
            for decl in f.spheres:
                by_decl[id(decl)] = _Node(decl, i, list(decl.members))
            for decl in f.spheres:
                node = by_decl[id(decl)]
                if decl.parent is None:
                    self.top[i].append(node)
                else:
                    parent = by_decl[id(f.spheres[decl.parent])]
                    parent.kids.append(node)
                    node.parent = parent
        tree = build_tree(files)
        for scope in tree.scopes:
            node = by_decl[id(scope.decl)]
            node.path = scope.path
            self.by_path.setdefault(scope.path, node)
            if scope.parent is not None and scope.decl.parent is None:  # joined with 'within'
                by_decl[id(tree.scopes[scope.parent].decl)].attached.append(node)

    # ------------------------------------------------------------ changes

    def apply(self, scenario: ast.ScenarioDecl) -> None:
        for change in scenario.changes:
            if isinstance(change, ast.ScenarioIn):
                self.apply_in(change)
            else:
                self.apply_remove(change)

    def apply_in(self, change: ast.ScenarioIn) -> None:
        node = self.by_path.get(change.path.text)
        if node is None:
            return  # an unknown path changes nothing (REF001, recorded by the resolver)
        series: set[str] = set()  # indicator names this change has already replaced
        for member in change.members:
            if isinstance(member, ast.IndicatorDecl):
                self.put_indicator(node, member, series)
            else:
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

    def put_indicator(self, node: _Node, member: ast.IndicatorDecl, series: set[str]) -> None:
        """An indicator replaces every statement of its name (a whole series);
        further statements of that name in the same change join the new series."""
        name = member.name.text
        if name in series:
            node.members.append(member)
            return
        series.add(name)
        slots = [i for i, old in enumerate(node.members) if _same(old, member)]
        if not slots:
            node.members.append(member)
            return
        node.members[slots[0]] = member
        for i in reversed(slots[1:]):
            del node.members[i]

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

    def drop(self, node: _Node) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            n.removed = True
            if self.by_path.get(n.path) is n:
                del self.by_path[n.path]
            stack.extend(n.children())

    # ------------------------------------------------------------ rebuilding

    def overlaid(self) -> tuple[ast.File, ...]:
        return tuple(attrs.evolve(f, spheres=_flatten(self.top[i])) for i, f in enumerate(self.files))


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


def find_scenario(model: Model, name: str) -> Scenario:
    for scenario in model.scenarios:
        if scenario.name == name:
            return scenario
    known = ", ".join(sorted(s.name for s in model.scenarios)) or "none"
    raise SphereUsageError(f"unknown scenario '{name}' (the model's scenarios: {known})")


def apply_scenario(model: Model, name: str, loaded: LoadedModel | None = None, *,
                   limits: Limits = DEFAULT_LIMITS) -> Model:
    """The model with scenario ``name`` applied, resolved again.

    The overlay edits the declarations, which the model does not keep: they
    come from ``loaded`` (the load ``model`` was resolved from) or are read
    again through the loader and its parse cache. The scenarios' paths stay
    judged against the baseline (``model.scenarios``). A broken model (a
    syntax or encoding error) has no scenarios to apply: its loading
    diagnostics are what there is to report, so it is returned as it is.
    """
    if model.broken:
        return attrs.evolve(model, scenario=name)
    find_scenario(model, name)
    if loaded is None:
        loaded = reread(model, limits)
    decl = next(s for f in loaded.files for s in f.scenarios if s.name.text == name)
    overlay = _Overlay(loaded.files)
    overlay.apply(decl)
    changed = LoadedModel(loaded.entry, loaded.root, overlay.overlaid(), loaded.findings)
    del loaded, overlay
    return attrs.evolve(resolve(changed, model.year), scenarios=model.scenarios, scenario=name)


def reread(model: Model, limits: Limits = DEFAULT_LIMITS) -> LoadedModel:
    """The declarations of ``model``'s files, read again (through the parse
    cache); a usage error when the files are no longer what was resolved."""
    loaded = load_model(model.entry, root=model.root, limits=limits, cache=True)
    if loaded.broken or tuple(f.path for f in loaded.files) != model.files:
        raise SphereUsageError(f"the files of '{model.entry}' changed since the model was loaded: load it again")
    return loaded
