"""The resolver: a loaded model's files in, a resolved :class:`Model` out
(LANGUAGE.md §3–§5).

It places the spheres (:mod:`.tree`), resolves every reference
(:mod:`.links`), validates every value and adds up allocations (:mod:`.values`),
replays the scenarios' paths (:mod:`.scenarios`) and computes the corridor
figures (:mod:`spherelang.model.figures`). It reports nothing: what went wrong
is recorded as states of the model (a link that did not resolve, an invalid
value, a duplicate), which the checks turn into diagnostics.

Every pass is a loop over spheres in pre-order: ancestors are always done
before their descendants, and nothing recurses. The syntax tree is let go as
the model is built: each sphere's statements are dropped as soon as its
members are made, so the AST and the model are never both whole.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..loading import LoadedModel
from ..model import (
    Channel,
    Indicator,
    Link,
    Model,
    Power,
    Requirement,
    Resource,
    Responsibility,
    Sphere,
    corridor_figures,
)
from ..model.figures import mean
from ..model.model import InvalidValue
from ..model.years import counting
from ..syntax import ast
from .declarations import detached_sphere, duplicate_scenarios, rule_declaration, source_file
from .links import Linker
from .scenarios import scenario_states
from .tree import Scope, Tree, build_tree, first_declarations
from .values import Ledger, amount_value, indicator_value, uncertainty_value, unit_interval, year_value

_NO_CODES: frozenset[str] = frozenset()

Members = tuple[tuple[Power, ...], tuple[Responsibility, ...], tuple[Resource, ...],
                tuple[Indicator, ...], tuple[Channel, ...]]


def resolve(loaded: LoadedModel, year: int | None = None) -> Model:
    """Resolve a loaded model (see the module docstring); never raises for bad input.

    ``year`` selects which value of each indicator series counts (LANGUAGE.md
    §8.3: the latest at or before it; None: the latest); the model keeps every
    statement, so :func:`spherelang.evaluator.at_year` can select another
    year without resolving again.

    When the caller hands over its only reference (``resolve(load_model(...))``),
    the AST's memory is reused for the model as it is built.
    """
    resolver = _Resolver(loaded, year)
    del loaded
    return resolver.build()


class _Resolver:
    def __init__(self, loaded: LoadedModel, year: int | None = None) -> None:
        self.loaded: LoadedModel | None = loaded
        self.ledger = Ledger()
        self.year = year

    def build(self) -> Model:
        loaded = self.loaded
        assert loaded is not None
        entry, root, findings, files = loaded.entry, loaded.root, loaded.findings, loaded.files
        self.loaded = loaded = None  # the tree below holds the declarations; the files go
        sources = tuple(source_file(f) for f in files)
        rules = tuple(rule_declaration(r) for f in files for r in f.rules)
        scenario_decls = [s for f in files for s in f.scenarios]
        tree = build_tree(files)
        del files
        scenarios = scenario_states(tree, scenario_decls)
        duplicates = tree.duplicates + duplicate_scenarios(scenario_decls)
        del scenario_decls
        detached = tuple(detached_sphere(d) for d in tree.detached)
        tree.detached = []
        spheres = self.make_spheres(tree)
        return Model(
            entry=entry, root=root, sources=sources, layers=tree.layers, spheres=spheres, rules=rules,
            scenarios=scenarios, duplicates=tuple(duplicates), detached=detached, by_path=tree.by_path,
            loading=findings, year=self.year, allows=tuple(tree.allows),
        )

    # ---------------------------------------------------------------- spheres

    def make_spheres(self, tree: Tree) -> tuple[Sphere, ...]:
        linker = Linker(tree)
        made: list[Members | None] = []
        for scope in tree.scopes:  # pre-order: what a sphere looks up in its ancestors is final
            built = self.make_members(linker, scope)
            made.append(built)
            _release(scope, built)
        capacities: list[float | None] = []
        declared: list[_Declared] = []
        counted: list[tuple[Indicator, ...]] = []
        for scope, members in zip(tree.scopes, made):
            assert members is not None
            own = _declared_capacity(scope.capacity_decl)
            declared.append(own)
            counted.append(counting(members[3], self.year))
            capacities.append(own.value if own.value is not None else mean(i.normalized for i in counted[-1]))
        corridors = corridor_figures([s.parent for s in tree.scopes], capacities)
        spheres: list[Sphere] = []
        for scope in tree.scopes:
            members, made[scope.index] = made[scope.index], None  # the model is at its largest here
            assert members is not None
            powers, duties, drafts, indicators, channels = members
            corridor = corridors[scope.index]
            decl = scope.decl
            spheres.append(Sphere(
                index=scope.index, name=decl.name.text, path=scope.path, layer=decl.layer.text,
                layer_rank=tree.layer_rank.get(decl.layer.text), title=decl.title, depth=scope.depth,
                parent=scope.parent, children=tuple(scope.children), powers=powers, responsibilities=duties,
                resources=tuple(self.finish_resource(r) for r in drafts), indicators=counted[scope.index],
                channels=channels, declared_capacity=declared[scope.index].value,
                capacity=capacities[scope.index], ceiling=corridor.ceiling, effective=corridor.effective,
                headroom=corridor.headroom, elasticity=mean(c.strength for c in channels),
                allows=frozenset(scope.allows) if scope.allows else _NO_CODES, span=decl.span,
                bound_by=corridor.bound_by, declared_channels=scope.channel_count,
                invalid_capacity=declared[scope.index].invalid, indicator_statements=indicators,
                capacity_uncertainty=declared[scope.index].uncertainty,
                capacity_illustrative=declared[scope.index].illustrative,
                invalid_capacity_uncertainty=declared[scope.index].invalid_uncertainty,
            ))
            scope.members.clear()  # no later sphere looks its names up
        return tuple(spheres)

    def make_members(self, linker: Linker, scope: Scope) -> Members:
        """A sphere's members. Its resources are drafts: what descendants draw
        from them is added by :meth:`finish_resource` once every sphere is made."""
        scope.members = first_declarations(scope.decl.members)
        statements = tuple(scope.decl.members)  # built once, dropped with this frame (see Declared)
        kinds = _by_kind(scope, statements)
        powers = tuple(self.make_power(linker, scope, m) for m in kinds[ast.PowerDecl])
        links = [self.link_resource(linker, scope, m) for m in kinds[ast.ResourceDecl]]
        duties = tuple(self.make_responsibility(linker, scope, m) for m in kinds[ast.ResponsibilityDecl])
        resources = tuple(self.make_resource(scope, *r) for r in links)  # after duties: 'required' is known
        if scope.series:  # every statement of each series, in the order written
            series, firsts = scope.series, scope.members
            indicators = tuple(_indicator(scope, m) for k, m in enumerate(statements)
                               if isinstance(m, ast.IndicatorDecl)
                               and (k in series or getattr(firsts.get(m.name.text), "position", None) == k))
        else:
            indicators = tuple(_indicator(scope, m) for m in kinds[ast.IndicatorDecl])
        channels = tuple(_channel(scope, m) for m in kinds[ast.ChannelDecl])
        scope.channel_count = sum(1 for m in statements if isinstance(m, ast.ChannelDecl))
        return powers, duties, resources, indicators, channels

    def finish_resource(self, draft: Resource) -> Resource:
        allocated, _, drawn = self.ledger.totals((draft.sphere, draft.name))
        if not allocated and not drawn:
            return draft
        d = draft  # a copy with the final sums (attrs.evolve, by hand: this runs once per resource)
        return Resource(d.name, d.sphere, d.amount, d.amount_text, d.unit, d.source, allocated, d.required, drawn,
                        d.invalid, d.file, d.line, d.column, d.end_line, d.end_column)

    # ---------------------------------------------------------------- members

    def make_power(self, linker: Linker, scope: Scope, decl: ast.PowerDecl) -> Power:
        if decl.source is not None:
            link: Link | None = linker.link_from(scope, decl.source, "power")
        else:
            link = linker.link_implicit(scope, decl.name.text, "power")
        return Power(decl.name.text, scope.index, decl.description, link, *decl.span)

    def link_resource(self, linker: Linker, scope: Scope, decl: ast.ResourceDecl) -> tuple[Any, ...]:
        amount, invalid = amount_value(decl.amount, decl.span)
        if decl.source is not None:
            link: Link | None = linker.link_from(scope, decl.source, "resource")
        else:
            link = linker.link_implicit(scope, decl.name.text, "resource")
        if link is not None and link.ok:
            assert link.sphere is not None and link.name is not None
            source = linker.tree.scopes[link.sphere].members[link.name]
            self.ledger.draw((link.sphere, link.name), decl.amount.unit_text, source.unit, amount)
        return decl, link, amount, invalid

    def make_resource(self, scope: Scope, decl: ast.ResourceDecl, link: Link | None, amount: float | None,
                      invalid: Any) -> Resource:
        allocated, required, drawn = self.ledger.totals((scope.index, decl.name.text))
        return Resource(decl.name.text, scope.index, amount, decl.amount.number.text, decl.amount.unit_text, link,
                        allocated, required, drawn, invalid, *decl.span)

    def make_responsibility(self, linker: Linker, scope: Scope, decl: ast.ResponsibilityDecl) -> Responsibility:
        reqs = tuple(self.make_requirement(linker, scope, decl, r) for r in decl.requires)
        return Responsibility(decl.name.text, scope.index, decl.description, decl.shared, reqs, *decl.span)

    def make_requirement(self, linker: Linker, scope: Scope, duty: ast.ResponsibilityDecl,
                         req: ast.Requirement) -> Requirement:
        name = req.name.text
        amount, invalid, text, unit = None, None, None, None
        if req.amount is not None:
            amount, invalid = amount_value(req.amount, duty.span)
            text, unit = req.amount.number.text, req.amount.unit_text
        problem, target_kind = linker.link_requirement(scope, name)
        # no amount asks for 0 of it, in any unit; the sphere's own statements are not released yet
        if target_kind == "resource" and req.amount is not None:
            self.ledger.require((scope.index, name), unit, scope.members[name].unit, amount)
        return Requirement(name, amount, text, unit, target_kind, scope.index, problem, invalid,
                           *_requirement_place(req))


_KINDS = (ast.PowerDecl, ast.ResourceDecl, ast.ResponsibilityDecl, ast.IndicatorDecl, ast.ChannelDecl)


def _by_kind(scope: Scope, statements: tuple[Any, ...]) -> dict[type, list[Any]]:
    """The scope's first declarations of each name, by kind, in order (one pass)."""
    found: dict[type, list[Any]] = {kind: [] for kind in _KINDS}
    for first in scope.members.values():
        member = statements[first.position]
        found[type(member)].append(member)
    return found


def _release(scope: Scope, made: Members) -> None:
    """Let a sphere's statements go: descendants look its names up by kind,
    place and unit only, which the model's members answer as well. Only
    descendants do (a reference to any other sphere fails before it looks at
    names), so a sphere without children keeps no names at all: most of a
    national model's spheres are leaves."""
    if scope.children:
        groups: tuple[tuple[Power | Responsibility | Resource | Indicator | Channel, ...], ...] = made
        for group in groups:
            for member in group:
                scope.members[member.name] = member
    else:
        scope.members = {}
    d = scope.decl  # attrs.evolve(d, members=()), by hand: this runs once per sphere
    scope.decl = ast.SphereDecl(d.name, d.layer, d.title, d.within, (), d.span, d.parent, d.children, d.depth)


def _indicator(scope: Scope, decl: ast.IndicatorDecl) -> Indicator:
    normalized, invalid = indicator_value(decl)
    year, bad_year = year_value(decl.year, decl.span) if decl.year is not None else (None, None)
    se, bad_se = uncertainty_value(decl.uncertainty, decl.span)
    if bad_year is not None or bad_se is not None:
        normalized = None  # a statement with a VAL001 contributes nothing (LANGUAGE.md §8.7)
    return Indicator(
        name=decl.name.text, sphere=scope.index, value=decl.value.value,
        of=decl.of_.value if decl.of_ else None, low=decl.low.value if decl.low else None,
        high=decl.high.value if decl.high else None, lower_is_better=decl.lower_is_better,
        source=decl.source, normalized=normalized, invalid=invalid, **decl.span._asdict(),
        uncertainty=se, year=year, dated=decl.year is not None, illustrative=decl.illustrative,
        invalid_year=bad_year, invalid_uncertainty=bad_se,
    )


@attrs.frozen
class _Declared:
    """An explicit ``capacity``: its value (None when absent or invalid), SE and mark."""

    value: float | None = None
    invalid: InvalidValue | None = None
    uncertainty: float = 0.0
    illustrative: bool = False
    invalid_uncertainty: InvalidValue | None = None


_NO_CAPACITY = _Declared()


def _declared_capacity(decl: ast.CapacityDecl | None) -> _Declared:
    if decl is None:
        return _NO_CAPACITY  # most spheres: one shared record, not one each
    value, invalid = unit_interval(decl.value, decl.span)
    se, bad_se = uncertainty_value(decl.uncertainty, decl.span)
    return _Declared(None if bad_se is not None else value, invalid, se, decl.illustrative, bad_se)


def _channel(scope: Scope, decl: ast.ChannelDecl) -> Channel:
    strength, invalid = unit_interval(decl.strength, decl.span)
    return Channel(decl.name.text, scope.index, strength, decl.description, invalid, *decl.span)


def _requirement_place(req: ast.Requirement) -> tuple[str, int, int, int]:
    """Where ``NAME [NUMBER [UNIT]]`` is (file, line, first and end column),
    without the intermediate spans."""
    name = req.name
    if req.amount is None:
        return name.file, name.line, name.column, name.column + len(name.text)
    unit, number = req.amount.unit, req.amount.number
    end = unit.column + len(unit.text) if unit is not None else number.end_column
    return name.file, name.line, name.column, end
