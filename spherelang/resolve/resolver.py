"""The resolver: builds the sphere tree (``within`` included), resolves every
name, grant and allocation, validates values and computes the figures of the
dynamic model (LANGUAGE.md §3–§5).

What it discovers about names and values (REF*, NEST002/004/005, BAL007,
UNIT001, VAL001) it records as findings in ``Model.facts``; the checks in
``spherelang.checks`` turn the resolved model into the remaining findings.
Every pass is a loop over spheres in pre-order: ancestors are always done
before their descendants, and nothing recurses.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from ..diagnostics import Finding, Span
from ..loading import LoadedModel
from ..model import (
    Channel,
    Indicator,
    Link,
    LinkStatus,
    Model,
    Power,
    Requirement,
    Resource,
    Responsibility,
    Sphere,
)
from ..syntax import ast
from .suggest import closest

DEFAULT_LAYERS = ("political", "administrative", "operational", "body")
_DONE = ((), (), (), (), (), 0)
_NO_CODES: frozenset[str] = frozenset()


@attrs.define
class _Node:
    """A sphere declaration on its way into the tree."""

    decl: ast.SphereDecl
    kids: list[int]                    # lexical children (node ids)
    attached: list[int] | None = None  # spheres joined by ``within``
    path: str | None = None


@attrs.define
class _Scope:
    """A sphere being resolved: its first member of each name, and its figures."""

    index: int
    node: _Node
    parent: int | None
    depth: int
    path: str
    children: list[int] = attrs.field(factory=list)
    members: dict[str, Any] = attrs.field(factory=dict)
    capacity_decl: ast.CapacityDecl | None = None
    allows: set[str] | None = None  # most spheres allow nothing: no empty set each


def _number_ok(n: float) -> bool:
    return not (math.isnan(n) or math.isinf(n))


class _Resolver:
    def __init__(self, loaded: LoadedModel) -> None:
        self.loaded = loaded
        self.facts: list[Finding] = []
        self.layers: tuple[str, ...] = DEFAULT_LAYERS
        self.layer_rank: dict[str, int] = {name: k for k, name in enumerate(DEFAULT_LAYERS)}
        self.scopes: list[_Scope] = []
        self.by_path: dict[str, int] = {}
        # (sphere index, resource name) -> running totals
        self.allocated: dict[tuple[int, str], float] = defaultdict(float)
        self.required: dict[tuple[int, str], float] = defaultdict(float)
        self.drawn: set[tuple[int, str]] = set()
        self._paths_by_name: dict[str, list[str]] | None = None
        self._ok_links: dict[tuple[int, str, bool, str | None], Link] = {}
        self.detached: list[ast.SphereDecl] = []

    def fact(self, code: str, message: str, span: Span, sphere: str | None = None, *,
             hint: str | None = None, related: Sequence[Span] = (), subject: str | None = None) -> None:
        self.facts.append(Finding(code, message, span, sphere, hint, tuple(related), subject))

    # ================================================================ layers

    def read_layers(self) -> None:
        stmts = [s for f in self.loaded.files for s in f.layers]
        if not stmts:
            return
        first = stmts[0]
        names: dict[str, None] = {}
        for n in first.names:
            if n.text in names:
                self.fact("REF002", f"layer '{n.text}' is listed twice", n.span, hint="list each layer once")
            else:
                names[n.text] = None
        self.layers = tuple(names)
        self.layer_rank = {name: k for k, name in enumerate(self.layers)}
        for other in stmts[1:]:
            same = tuple(n.text for n in other.names) == tuple(n.text for n in first.names)
            self.fact("REF002", "the model declares its layers twice" + ("" if same else ", differently"),
                      other.span, related=(first.span,),
                      hint="a model has at most one 'layers' statement: keep it in the file the others import")

    # ================================================================ the tree

    def build_tree(self) -> None:
        nodes: list[_Node] = []
        roots: list[int] = []
        pending: dict[str, list[int]] = defaultdict(list)
        for file in self.loaded.files:
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
        self.register_paths(nodes, roots, pending)
        self.number_spheres(nodes, roots)
        self.detached = [nodes[nid].decl for ids in pending.values() for nid in ids if nodes[nid].path is None]

    def register_paths(self, nodes: list[_Node], roots: list[int], pending: dict[str, list[int]]) -> None:
        """Give every reachable node its path, attaching ``within`` spheres as
        soon as the sphere they name is known (first declaration of a path)."""
        known: dict[str, int] = {}
        stack: list[tuple[int, str | None]] = [(r, None) for r in reversed(roots)]
        while stack:
            nid, parent_path = stack.pop()
            node = nodes[nid]
            path = node.decl.name.text if parent_path is None else f"{parent_path}.{node.decl.name.text}"
            node.path = path
            if path not in known:
                known[path] = nid
                joined = pending.get(path)
                if joined:
                    node.attached = list(joined)
            for kid in reversed(node.kids + node.attached if node.attached else node.kids):
                stack.append((kid, path))

    def report_failed_within(self, decl: ast.SphereDecl) -> None:
        """REF001/REF004 at the sphere line, about the path the sphere would have
        had; its own ``allow`` applies (it never joins the tree, where the
        engine applies the others)."""
        assert decl.within is not None
        target = decl.within.text
        allowed = {m.code.text for m in decl.members if isinstance(m, ast.AllowDecl)}
        before = len(self.facts)
        self._report_failed_within(decl, target)
        for i in range(before, len(self.facts)):
            self.facts[i] = attrs.evolve(self.facts[i], sphere=f"{target}.{decl.name.text}")
        self.facts[before:] = [f for f in self.facts[before:] if f.code not in allowed]

    def _report_failed_within(self, decl: ast.SphereDecl, target: str) -> None:
        assert decl.within is not None
        owner, _, last = target.rpartition(".")
        holder = self.scopes[self.by_path[owner]] if owner in self.by_path else None
        if holder is not None and last in holder.members:
            kind = holder.members[last].kind
            self.fact("REF004", f"'within {target}' names a {kind}, not a sphere", decl.span, None,
                      hint=f"attach the sphere to '{owner}' itself: 'within {owner}'")
            return
        prefix, parts = "", decl.within.parts
        for i in range(len(parts)):
            candidate = ".".join(p.text for p in parts[: i + 1])
            if candidate not in self.by_path:
                break
            prefix = candidate
        if prefix:
            pool = [self.scopes[c].node.decl.name.text for c in self.scopes[self.by_path[prefix]].children]
        else:
            pool = [s.node.decl.name.text for s in self.scopes if s.parent is None]
        missing = parts[len(prefix.split(".")) if prefix else 0].text
        best = closest(missing, pool)
        suggestion = ".".join(filter(None, [prefix, best])) if best else None
        self.fact("REF001", f"unknown sphere '{target}' in 'within'" + _suggesting(suggestion), decl.span, None,
                  hint="name an existing sphere by its full path, and import the file that declares it")

    def number_spheres(self, nodes: list[_Node], roots: list[int]) -> None:
        """Pre-order numbering of the final tree; duplicates are REF002."""
        stack: list[tuple[int, int | None, int]] = [(r, None, 0) for r in reversed(roots)]
        sibling_names: dict[int | None, dict[str, Span]] = defaultdict(dict)
        while stack:
            nid, parent, depth = stack.pop()
            node = nodes[nid]
            assert node.path is not None
            index = len(self.scopes)
            scope = _Scope(index, node, parent, depth, node.path)
            self.scopes.append(scope)
            if parent is not None:
                self.scopes[parent].children.append(index)
            seen = sibling_names[parent]
            name = node.decl.name.text
            if name in seen:
                where = "root sphere" if parent is None else "sphere"
                self.fact("REF002", f"duplicate {where} '{node.path}'", node.decl.span, node.path,
                          related=(seen[name],), hint="rename one of them, or merge their members")
            else:
                seen[name] = node.decl.span
                self.by_path[node.path] = index
            for kid in reversed(node.kids + node.attached if node.attached else node.kids):
                stack.append((kid, index, depth + 1))

    # ================================================================ members

    def collect_members(self) -> None:
        for scope in self.scopes:
            decl = scope.node.decl
            for member in decl.members:
                if isinstance(member, ast.AllowDecl):
                    if scope.allows is None:
                        scope.allows = set()
                    scope.allows.add(member.code.text)
                elif isinstance(member, ast.CapacityDecl):
                    if scope.capacity_decl is None:
                        scope.capacity_decl = member
                    else:
                        self.fact("REF002", f"sphere '{scope.path}' declares its capacity twice", member.span,
                                  scope.path, related=(scope.capacity_decl.span,), hint="keep one 'capacity'")
                else:
                    first = scope.members.get(member.name.text)
                    if first is None:
                        scope.members[member.name.text] = member
                    else:
                        self.fact("REF002", f"duplicate name '{member.name.text}' in sphere '{scope.path}'",
                                  member.span, scope.path, related=(first.span,), subject=member.name.text,
                                  hint=f"'{member.name.text}' is already declared as a {first.kind}; "
                                  "powers, responsibilities, resources, indicators and channels share one namespace")

    def check_layers(self) -> dict[int, int | None]:
        ranks: dict[int, int | None] = {}
        for scope in self.scopes:
            layer = scope.node.decl.layer
            rank = self.layer_rank.get(layer.text)
            if rank is not None:
                ranks[scope.index] = rank
            else:
                ranks[scope.index] = None
                order = " > ".join(self.layers)
                self.fact("REF003", f"unknown layer '{layer.text}'" + _suggesting(closest(layer.text, self.layers)),
                          scope.node.decl.span, scope.path, hint=f"the layers are {order}")
        return ranks

    # ================================================================ references

    def ancestors(self, scope: _Scope) -> Iterable[_Scope]:
        index = scope.parent
        while index is not None:
            s = self.scopes[index]
            yield s
            index = s.parent

    def candidate_spheres(self, scope: _Scope, path: ast.Path) -> list[_Scope]:
        """Spheres ``X`` of ``from X.m`` may name, best first: for a bare name,
        the ancestors of that name (nearest first); then the absolute path (a
        dotted X is always absolute, LANGUAGE.md §3)."""
        found: list[_Scope] = []
        if len(path.parts) == 1:
            bare = path.parts[0].text
            found.extend(anc for anc in self.ancestors(scope) if anc.node.decl.name.text == bare)
        index = self.by_path.get(path.text)
        if index is not None and all(f.index != index for f in found):
            found.append(self.scopes[index])
        return found

    def link_from(self, scope: _Scope, ref: ast.MemberRef, kind: str) -> Link:
        """Resolve ``from X.m`` for a member of ``kind`` (power or resource).

        When X could name several spheres (an ancestor's bare name, and a root
        of that name), the first that holds a ``kind`` named m wins; failing
        that, the first candidate says what is wrong.
        """
        common = {"explicit": True, "written": ref.text}
        candidates = self.candidate_spheres(scope, ref.sphere)
        if not candidates:
            suggestion, hint = self.sphere_suggestion(scope, ref.sphere)
            return Link(LinkStatus.UNKNOWN, hint=hint, suggestion=suggestion, found_kind="sphere", **common)
        ancestors = {a.index for a in self.ancestors(scope)}
        for target in candidates:
            member = target.members.get(ref.member.text)
            if target.index in ancestors and member is not None and member.kind == kind:
                return self.ok_link(target.index, ref.member.text, True, common["written"])
        target = candidates[0]
        if target.index not in ancestors:
            return Link(LinkStatus.NOT_ANCESTOR, sphere=target.index, name=ref.member.text, **common)
        member = target.members.get(ref.member.text)
        if member is None:
            names = [n for n, m in target.members.items() if m.kind == kind]
            return Link(LinkStatus.UNKNOWN, sphere=target.index, name=ref.member.text,
                        suggestion=closest(ref.member.text, names), found_kind="member",
                        hint=f"'{target.path}' holds no {kind} of that name", **common)
        return Link(LinkStatus.WRONG_KIND, sphere=target.index, name=ref.member.text,
                    found_kind=member.kind, **common)

    def sphere_suggestion(self, scope: _Scope, path: ast.Path) -> tuple[str | None, str | None]:
        """The closest sphere path, and a hint; a bare name that is not an
        ancestor may still name a sphere elsewhere (write its full path)."""
        last = path.parts[-1].text
        if len(path.parts) == 1:
            if self._paths_by_name is None:
                self._paths_by_name = defaultdict(list)
                for p in self.by_path:
                    self._paths_by_name[p.rsplit(".", 1)[-1]].append(p)
            found = self._paths_by_name.get(last)
            if found:
                return found[0], (f"'{last}' does not enclose '{scope.path}': a bare name must be an enclosing "
                                  "sphere; write any other sphere's full path")
        pool = [a.node.decl.name.text for a in self.ancestors(scope)] + [
            p for p in self.by_path if p.rsplit(".", 1)[-1][:1] == last[:1]][:5000]
        return closest(path.text, pool), "a sphere path is absolute, or the bare name of an enclosing sphere"

    def link_implicit(self, scope: _Scope, name: str, kind: str) -> Link | None:
        if scope.parent is None:
            return None
        for anc in self.ancestors(scope):
            member = anc.members.get(name)
            if member is not None and member.kind == kind:
                return self.ok_link(anc.index, name, False, None)
        return Link(LinkStatus.MISSING, explicit=False)

    def ok_link(self, sphere: int, name: str, explicit: bool, written: str | None) -> Link:
        """One shared object per target: siblings drawing from the same parent
        member (the usual shape of a large model) need not each hold a copy."""
        key = (sphere, name, explicit, written)
        link = self._ok_links.get(key)
        if link is None:
            link = self._ok_links[key] = Link(LinkStatus.OK, explicit, sphere, name, written)
        return link

    def report_link(self, scope: _Scope, member: Any, link: Link | None) -> None:
        if link is None or link.ok:
            return
        kind, name, path = member.kind, member.name.text, scope.path
        where = self.scopes[link.sphere].path if link.sphere is not None else None
        if link.status is LinkStatus.UNKNOWN:
            if link.found_kind == "sphere":
                message = f"unknown sphere '{link.written.rsplit('.', 1)[0]}' in 'from {link.written}'"
            else:
                message = f"sphere '{where}' has no {kind} '{link.name}'"
            self.fact("REF001", message + _suggesting(link.suggestion), member.span, path, hint=link.hint, subject=name)
        elif link.status is LinkStatus.WRONG_KIND:
            self.fact("REF004", f"'{where}.{link.name}' is a {link.found_kind}, not a {kind}", member.span, path,
                      hint=f"a {kind} comes from a {kind} of an enclosing sphere", subject=name)
        elif link.status is LinkStatus.NOT_ANCESTOR:
            code = "NEST002" if kind == "power" else "NEST004"
            verb = "granted" if kind == "power" else "allocated"
            self.fact(code, f"{kind} '{name}' is {verb} from '{where}', which does not enclose '{path}'",
                      member.span, path, subject=name,
                      hint=f"take the {kind} from an enclosing sphere: "
                      + (" or ".join(f"'{a.path}'" for a in list(self.ancestors(scope))[:3]) or "none exists here"))
        elif link.status is LinkStatus.MISSING and kind == "power":
            self.fact("NEST002", f"power '{name}' is not granted by any enclosing sphere", member.span, path,
                      subject=name, hint=f"declare power '{name}' in an enclosing sphere, or add "
                      "'from Sphere.power' naming one")
        elif link.status is LinkStatus.MISSING:
            self.fact("NEST005", f"resource '{name}' has no source in its enclosing spheres", member.span, path,
                      subject=name, hint=f"allocate it 'from' an enclosing sphere's resource, or declare a "
                      f"resource '{name}' in an enclosing sphere")

    # ================================================================ building

    def check_scenario_names(self) -> None:
        seen: dict[str, Span] = {}
        for scenario in (s for f in self.loaded.files for s in f.scenarios):
            first = seen.setdefault(scenario.name.text, scenario.span)
            if first is not scenario.span:
                self.fact("REF002", f"duplicate scenario '{scenario.name.text}'", scenario.span,
                          related=(first,), hint="rename one of them; '--scenario' would apply only the first")

    def build(self) -> Model:
        # Scenario overlays rebuild from the declarations; without scenarios the
        # model keeps only sphere headers, and each sphere's statements are
        # freed as soon as its members are made (the AST and the model are never
        # both whole: a national model peaks at about half the memory).
        keep = any(f.scenarios for f in self.loaded.files)
        self.read_layers()
        self.check_scenario_names()
        self.build_tree()
        if not keep:
            self.loaded = attrs.evolve(self.loaded, files=tuple(attrs.evolve(f, spheres=()) for f in self.loaded.files))
        self.collect_members()
        for decl in self.detached:  # after members: 'within' may name a member (REF004)
            self.report_failed_within(decl)
        self.detached = []
        ranks = self.check_layers()
        made: list[tuple[tuple[Power, ...], tuple[Responsibility, ...], tuple[Resource, ...],
                         tuple[Indicator, ...], tuple[Channel, ...], int]] = []
        for scope in self.scopes:  # pre-order: what a sphere looks up in its ancestors is final
            made.append(self.make_members(scope))
            if not keep:
                self.release(scope, made[-1])
        spheres: list[Sphere] = []
        down: list[float | None] = []  # min capacity over a sphere and its ancestors
        for scope in self.scopes:
            powers, duties, drafts, indicators, channels, channel_count = made[scope.index]
            made[scope.index] = _DONE  # the model is at its largest here: free as we go
            resources = tuple(self.finish_resource(r) for r in drafts)
            declared = self.declared_capacity(scope)
            capacity = declared if declared is not None else _mean(i.normalized for i in indicators)
            ceiling = down[scope.parent] if scope.parent is not None else None
            down.append(_min(ceiling, capacity))
            effective = None if capacity is None else (capacity if ceiling is None else min(capacity, ceiling))
            headroom = None if capacity is None or ceiling is None else ceiling - capacity
            decl = scope.node.decl
            spheres.append(Sphere(
                index=scope.index, name=decl.name.text, path=scope.path, layer=decl.layer.text,
                layer_rank=ranks[scope.index], title=decl.title, depth=scope.depth, parent=scope.parent,
                children=tuple(scope.children), powers=powers,
                responsibilities=duties, resources=resources, indicators=indicators,
                channels=channels, declared_capacity=declared, capacity=capacity, ceiling=ceiling,
                effective=effective, headroom=headroom, elasticity=_mean(c.strength for c in channels),
                allows=frozenset(scope.allows) if scope.allows else _NO_CODES, span=decl.span, decl=decl,
                declared_channels=channel_count,
            ))
            scope.members = {}  # no later sphere looks its names up
        files = self.loaded.files
        return Model(
            entry=self.loaded.entry,
            files=files,
            layers=self.layers,
            spheres=tuple(spheres),
            rules=tuple(r for f in files for r in f.rules),
            scenarios=tuple(s for f in files for s in f.scenarios),
            facts=tuple(self.facts),
            by_path=self.by_path,
            loading=self.loaded.diagnostics,
            root=self.loaded.root,
        )

    def make_members(self, scope: _Scope) -> tuple[tuple[Power, ...], tuple[Responsibility, ...],
                                                    tuple[Resource, ...], tuple[Indicator, ...],
                                                    tuple[Channel, ...], int]:
        """A sphere's members. Its resources are drafts: what descendants draw
        from them is added by :meth:`finish_resource` once every sphere is made."""
        powers = tuple(self.make_power(scope, m) for m in self.first_members(scope, ast.PowerDecl))
        links = [self.link_resource(scope, m) for m in self.first_members(scope, ast.ResourceDecl)]
        duties = tuple(self.make_responsibility(scope, m) for m in self.first_members(scope, ast.ResponsibilityDecl))
        resources = tuple(self.make_resource(scope, *r) for r in links)  # after duties: 'required' is known
        indicators = tuple(self.make_indicator(scope, m) for m in self.first_members(scope, ast.IndicatorDecl))
        channels = tuple(self.make_channel(scope, m) for m in self.first_members(scope, ast.ChannelDecl))
        count = sum(1 for m in scope.node.decl.members if isinstance(m, ast.ChannelDecl))
        return powers, duties, resources, indicators, channels, count

    @staticmethod
    def release(scope: _Scope, made: tuple[tuple[Any, ...], ...]) -> None:
        """Let a sphere's statements go: descendants look its names up by kind,
        place and unit only, which the model's members answer as well."""
        for group in made[:5]:
            for member in group:
                scope.members[member.name] = member
        scope.node.decl = attrs.evolve(scope.node.decl, members=())

    def finish_resource(self, draft: Resource) -> Resource:
        key = (draft.sphere, draft.name)
        allocated = self.allocated.get(key, 0.0)
        drawn = key in self.drawn
        if not allocated and not drawn:
            return draft
        return attrs.evolve(draft, allocated=allocated, drawn=drawn)

    @staticmethod
    def first_members(scope: _Scope, cls: type) -> list[Any]:
        """The scope's members of one kind (first declarations, in order)."""
        return [m for m in scope.members.values() if type(m) is cls]

    # ---------------------------------------------------------------- powers

    def make_power(self, scope: _Scope, decl: ast.PowerDecl) -> Power:
        if decl.source is not None:
            link: Link | None = self.link_from(scope, decl.source, "power")
        else:
            link = self.link_implicit(scope, decl.name.text, "power")
        self.report_link(scope, decl, link)
        return Power(decl.name.text, scope.index, decl.description, link, decl.span)

    # ---------------------------------------------------------------- resources

    def link_resource(self, scope: _Scope, decl: ast.ResourceDecl) -> tuple[ast.ResourceDecl, Link | None, float | None]:
        amount = self.valid_amount(scope, decl, decl.amount, f"resource '{decl.name.text}'")
        if decl.source is not None:
            link: Link | None = self.link_from(scope, decl.source, "resource")
        else:
            link = self.link_implicit(scope, decl.name.text, "resource")
        self.report_link(scope, decl, link)
        if link is not None and link.ok:
            assert link.sphere is not None and link.name is not None
            key = (link.sphere, link.name)
            self.drawn.add(key)
            source = self.scopes[link.sphere].members[link.name]
            source_unit = _unit_of(source)
            if decl.amount.unit_text != source_unit:
                self.fact("UNIT001", f"resource '{decl.name.text}' is {_unit(decl.amount.unit_text)}, but its source "
                          f"'{self.scopes[link.sphere].path}.{link.name}' is {_unit(source_unit)}",
                          decl.span, scope.path, related=(source.span,), subject=decl.name.text,
                          hint="allocations are counted in the unit of their source; use the same unit")
            elif amount is not None:
                self.allocated[key] += amount
        return decl, link, amount

    def make_resource(self, scope: _Scope, decl: ast.ResourceDecl, link: Link | None, amount: float | None) -> Resource:
        key = (scope.index, decl.name.text)
        return Resource(
            name=decl.name.text, sphere=scope.index, amount=amount, amount_text=decl.amount.number.text,
            unit=decl.amount.unit_text, source=link, allocated=self.allocated.get(key, 0.0),
            required=self.required.get(key, 0.0), drawn=key in self.drawn, span=decl.span,
        )

    def valid_amount(self, scope: _Scope, member: Any, qty: ast.Quantity, what: str) -> float | None:
        value = qty.value
        if value < 0 or not _number_ok(value):
            reason = "negative" if value < 0 else "not a finite number"
            self.fact("VAL001", f"the amount {qty.number.text} of {what} is {reason}", member.span, scope.path,
                      subject=member.name.text, hint="amounts are zero or more")
            return None
        return value

    # ---------------------------------------------------------------- responsibilities

    def make_responsibility(self, scope: _Scope, decl: ast.ResponsibilityDecl) -> Responsibility:
        reqs = tuple(self.make_requirement(scope, decl, r) for r in decl.requires)
        return Responsibility(decl.name.text, scope.index, decl.description, decl.shared, reqs, decl.span)

    def make_requirement(self, scope: _Scope, duty: ast.ResponsibilityDecl, req: ast.Requirement) -> Requirement:
        name = req.name.text
        amount: float | None = None
        valid = True
        if req.amount is not None:
            amount = self.valid_amount(scope, duty, req.amount, f"'{name}' required by '{duty.name.text}'")
            valid = amount is not None
        unit = req.amount.unit_text if req.amount is not None else None
        member = scope.members.get(name)
        target_kind = None
        link: Link | None
        if member is not None and member.kind in ("power", "resource"):
            link = None  # resolved here: the Requirement says so without a Link of its own
            target_kind = member.kind
            if member.kind == "resource":
                self.check_requirement_unit(scope, duty, req, member, amount)
        elif member is not None:
            link = Link(LinkStatus.WRONG_KIND, explicit=True, sphere=scope.index, name=name,
                        found_kind=member.kind)
            self.fact("REF004", f"responsibility '{duty.name.text}' requires '{name}', which is a {member.kind}, "
                      "not a power or a resource", duty.span, scope.path, subject=duty.name.text,
                      hint="'requires' lists the powers and resources a responsibility needs")
        else:
            link = self.missing_requirement(scope, duty, req)
        return Requirement(name, amount, unit, valid, target_kind, scope.index, link, _requirement_span(req))

    def check_requirement_unit(self, scope: _Scope, duty: ast.ResponsibilityDecl, req: ast.Requirement,
                               resource: ast.ResourceDecl, amount: float | None) -> None:
        if req.amount is None:
            return  # no amount asks for 0 of it, in any unit
        if req.amount.unit_text != resource.amount.unit_text:
            self.fact("UNIT001", f"responsibility '{duty.name.text}' asks for {req.amount.number.text}"
                      f"{' ' + req.amount.unit_text if req.amount.unit_text else ''} of '{req.name.text}', "
                      f"which is {_unit(resource.amount.unit_text)}", duty.span, scope.path,
                      related=(resource.span,), subject=duty.name.text,
                      hint=f"write the amount in the resource's unit ({resource.amount.unit_text or 'no unit'})")
        elif amount is not None:
            self.required[(scope.index, req.name.text)] += amount

    def missing_requirement(self, scope: _Scope, duty: ast.ResponsibilityDecl, req: ast.Requirement) -> Link:
        name = req.name.text
        for anc in self.ancestors(scope):
            member = anc.members.get(name)
            if member is not None and member.kind in ("power", "resource"):
                if member.kind == "power":
                    hint = f"grant it here: declare 'power {name}' in '{scope.path}'"
                else:
                    hint = f"hold the means here: 'resource {name} = AMOUNT from {anc.node.decl.name.text}.{name}'"
                self.fact("BAL007", f"responsibility '{duty.name.text}' requires {member.kind} '{name}', which only "
                          f"the enclosing sphere '{anc.path}' holds", duty.span, scope.path,
                          related=(member.span,), subject=duty.name.text, hint=hint)
                return Link(LinkStatus.ANCESTOR_ONLY, explicit=True, sphere=anc.index, name=name)
        pool = [n for n, m in scope.members.items() if m.kind in ("power", "resource")]
        self.fact("REF001", f"unknown name '{name}' in the requirements of responsibility '{duty.name.text}'"
                  + _suggesting(closest(name, pool)), duty.span, scope.path, subject=duty.name.text,
                  hint=f"'requires' names powers and resources of '{scope.path}' itself; declare '{name}' there "
                  "or correct the name")
        return Link(LinkStatus.UNKNOWN, explicit=True, name=name)

    # ---------------------------------------------------------------- figures

    def make_indicator(self, scope: _Scope, decl: ast.IndicatorDecl) -> Indicator:
        value = decl.value.value
        normalized: float | None = None
        problem: str | None = None
        if decl.of_ is not None:
            n = decl.of_.value
            if not (_number_ok(n) and n >= 2):
                problem = f"a rank is out of N with N at least 2, not {decl.of_.text}"
            elif not (_number_ok(value) and 1 <= value <= n):
                problem = f"rank {decl.value.text} is outside 1..{decl.of_.text}"
            else:
                normalized = (n - value) / (n - 1)
        else:
            assert decl.low is not None and decl.high is not None
            lo, hi = decl.low.value, decl.high.value
            if not (_number_ok(lo) and _number_ok(hi) and lo < hi):
                problem = f"the scale {decl.low.text}..{decl.high.text} is empty: its low end must be below its high end"
            elif not (_number_ok(value) and lo <= value <= hi):
                problem = f"score {decl.value.text} is outside {decl.low.text}..{decl.high.text}"
            else:
                # halves first: 'x in -1e308..1e308' is a fine scale whose width overflows
                normalized = (value / 2 - lo / 2) / (hi / 2 - lo / 2)
                if decl.lower_is_better:
                    normalized = 1.0 - normalized
        if problem:
            self.fact("VAL001", f"indicator '{decl.name.text}': {problem}", decl.span, scope.path,
                      subject=decl.name.text, hint="an invalid indicator is left out of the sphere's capacity")
        return Indicator(
            name=decl.name.text, sphere=scope.index, value=value,
            of=decl.of_.value if decl.of_ else None, low=decl.low.value if decl.low else None,
            high=decl.high.value if decl.high else None, lower_is_better=decl.lower_is_better,
            source=decl.source, normalized=normalized, span=decl.span,
        )

    def make_channel(self, scope: _Scope, decl: ast.ChannelDecl) -> Channel:
        strength: float | None = decl.strength.value
        if not (_number_ok(decl.strength.value) and 0 <= decl.strength.value <= 1):
            self.fact("VAL001", f"channel '{decl.name.text}' has strength {decl.strength.text}, outside 0..1",
                      decl.span, scope.path, subject=decl.name.text,
                      hint="a strength runs from 0 (no feedback) to 1; an invalid one is left out of elasticity")
            strength = None
        return Channel(decl.name.text, scope.index, strength, decl.description, decl.span)

    def declared_capacity(self, scope: _Scope) -> float | None:
        decl = scope.capacity_decl
        if decl is None:
            return None
        if _number_ok(decl.value.value) and 0 <= decl.value.value <= 1:
            return decl.value.value
        self.fact("VAL001", f"capacity {decl.value.text} is outside 0..1", decl.span, scope.path,
                  hint="capacity runs from 0 to 1; an invalid one is left out of every figure")
        return None


def _unit_of(resource: ast.ResourceDecl | Resource) -> str | None:
    """A resource's unit, from its statement or (once released) the model's member."""
    return resource.unit if isinstance(resource, Resource) else resource.amount.unit_text


def _requirement_span(req: ast.Requirement) -> Span:
    """``NAME [NUMBER [UNIT]]`` on one line, without the intermediate spans."""
    name = req.name
    if req.amount is None:
        return Span(name.file, name.line, name.column, name.line, name.column + len(name.text))
    unit, number = req.amount.unit, req.amount.number
    if unit is not None:
        return Span(name.file, name.line, name.column, unit.line, unit.column + len(unit.text))
    return Span(name.file, name.line, name.column, number.line, number.end_column)


def _suggesting(suggestion: str | None) -> str:
    """The did-you-mean part of a REF001 message (the contract puts it in the message)."""
    return f"; did you mean '{suggestion}'?" if suggestion else ""


def _unit(unit: str | None) -> str:
    return f"counted in {unit}" if unit else "counted without a unit"


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _min(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def resolve(loaded: LoadedModel) -> Model:
    """Resolve a loaded model (see the module docstring); never raises for bad input.

    Without scenarios, the statements of each sphere are let go as the model is
    built: when the caller hands over its only reference (``resolve(load(...))``),
    the AST's memory is reused for the model.
    """
    resolver = _Resolver(loaded)
    del loaded
    return resolver.build()
