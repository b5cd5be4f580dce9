"""Resolved model classes (see the package docstring)."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from typing import Union

import attrs

from ..diagnostics import Diagnostic, Finding, Span
from ..syntax import ast

class LinkStatus(enum.Enum):
    """How a reference (``from``, an implicit grant, a ``requires`` name) resolved."""

    OK = "ok"
    UNKNOWN = "unknown"              # no such sphere or member (REF001)
    WRONG_KIND = "wrong-kind"        # names a member of another kind (REF004)
    NOT_ANCESTOR = "not-ancestor"    # ``from`` a sphere that does not enclose (NEST002/NEST004)
    ANCESTOR_ONLY = "ancestor-only"  # ``requires`` a name only an ancestor holds (BAL007)
    MISSING = "missing"              # nothing grants it implicitly (NEST002/NEST005)


@attrs.frozen
class Link:
    """Where a reference points: ``sphere`` (an index into ``Model.spheres``) and
    ``name`` of the target member when ``status`` is OK."""

    status: LinkStatus
    explicit: bool
    sphere: int | None = None
    name: str | None = None
    written: str | None = None
    hint: str | None = None
    suggestion: str | None = None
    found_kind: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is LinkStatus.OK


@attrs.frozen
class Power:
    name: str
    sphere: int
    description: str | None
    grant: Link | None  # None in a root sphere without ``from``
    span: Span
    kind = "power"


@attrs.frozen
class Requirement:
    """One ``requires`` entry: a power, or a resource and the amount it needs.

    A model holds millions of these, so what is usual is not stored twice: a
    name that resolves does so in the responsibility's own ``sphere`` (only a
    ``problem`` is kept).
    """

    name: str
    amount: float | None        # None when absent or invalid (negative)
    unit: str | None
    amount_valid: bool
    target_kind: str | None     # "power" / "resource" when resolved
    sphere: int                 # the responsibility's sphere
    problem: Link | None        # how the name failed to resolve; None when it resolved in ``sphere``
    span: Span

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def link(self) -> Link:
        """Where the name points (made on demand when it resolved)."""
        if self.problem is not None:
            return self.problem
        return Link(LinkStatus.OK, True, self.sphere, self.name)



@attrs.frozen
class Responsibility:
    name: str
    sphere: int
    description: str | None
    shared: bool
    requires: tuple[Requirement, ...]
    span: Span
    kind = "responsibility"

    @property
    def power_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.requires if r.problem is None and r.target_kind == "power")

    @property
    def resource_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.requires if r.problem is None and r.target_kind == "resource")

    @property
    def unresolved(self) -> bool:
        """A requirement failed to resolve: exempt from BAL002 and BAL003."""
        return any(r.problem is not None for r in self.requires)


@attrs.frozen
class Resource:
    name: str
    sphere: int
    amount: float | None        # None when the declared amount is invalid (VAL001)
    amount_text: str
    unit: str | None
    source: Link | None         # None in a root sphere without ``from``
    allocated: float            # drawn by descendants (explicitly or implicitly), valid units only
    required: float             # asked by this sphere's responsibilities, valid units only
    drawn: bool                 # some descendant draws from it (whatever the unit)
    span: Span
    kind = "resource"

    @property
    def available(self) -> float | None:
        """What is left after allocations to descendants."""
        return None if self.amount is None else self.amount - self.allocated


@attrs.frozen
class Indicator:
    name: str
    sphere: int
    value: float
    of: float | None
    low: float | None
    high: float | None
    lower_is_better: bool
    source: str | None
    normalized: float | None    # None when the value is invalid (VAL001)
    span: Span
    kind = "indicator"

    @property
    def is_rank(self) -> bool:
        return self.of is not None


@attrs.frozen
class Channel:
    name: str
    sphere: int
    strength: float | None      # None when invalid (VAL001)
    description: str | None
    span: Span
    kind = "channel"


Member = Union[Power, Responsibility, Resource, Indicator, Channel]


@attrs.frozen
class Sphere:
    """A sphere with its members and figures; ``index`` is its place in
    ``Model.spheres`` (pre-order), ``parent`` and ``children`` are indices too."""

    index: int
    name: str
    path: str
    layer: str
    layer_rank: int | None      # position in the layer order; None if unknown (REF003)
    title: str | None
    depth: int
    parent: int | None
    children: tuple[int, ...]
    powers: tuple[Power, ...]
    responsibilities: tuple[Responsibility, ...]
    resources: tuple[Resource, ...]
    indicators: tuple[Indicator, ...]
    channels: tuple[Channel, ...]
    declared_capacity: float | None   # explicit ``capacity`` if valid
    capacity: float | None
    ceiling: float | None
    effective: float | None
    headroom: float | None
    elasticity: float | None
    allows: frozenset[str]
    span: Span
    #: The declaration: its members too only when the model declares scenarios
    #: (overlays rebuild from it); otherwise the header alone, so a large
    #: model's statements are not kept twice.
    decl: ast.SphereDecl = attrs.field(repr=False, eq=False)
    #: ``channel`` statements in the block, duplicates (REF002) included (ELA001).
    declared_channels: int = attrs.field(default=0, repr=False, eq=False)

    def members(self) -> Iterator[Member]:
        yield from self.powers
        yield from self.responsibilities
        yield from self.resources
        yield from self.indicators
        yield from self.channels

    def member(self, name: str) -> Member | None:
        for m in self.members():
            if m.name == name:
                return m
        return None


@attrs.frozen
class Model:
    """A whole resolved model: spheres in pre-order (roots in declaration order)."""

    entry: str
    files: tuple[ast.File, ...]
    layers: tuple[str, ...]
    spheres: tuple[Sphere, ...]
    rules: tuple[ast.RuleDecl, ...]
    scenarios: tuple[ast.ScenarioDecl, ...]
    #: Diagnostics found while resolving (names, layers, values...), unstamped by
    #: configuration; checks add the rest.
    facts: tuple[Finding, ...] = ()
    by_path: Mapping[str, int] = attrs.field(factory=dict, repr=False, eq=False)
    #: What loading reported (SPH002-SPH006; SPH001/SPH005 when ``broken``).
    loading: tuple[Diagnostic, ...] = ()
    root: str = ""
    #: The scenario applied to get this model, if any.
    scenario: str | None = None

    @property
    def broken(self) -> bool:
        """A file had a syntax or encoding error: only loading diagnostics apply."""
        return any(d.code in ("SPH001", "SPH005") for d in self.loading)

    @property
    def roots(self) -> tuple[Sphere, ...]:
        return tuple(s for s in self.spheres if s.parent is None)

    def parent(self, sphere: Sphere) -> Sphere | None:
        return None if sphere.parent is None else self.spheres[sphere.parent]

    def children(self, sphere: Sphere) -> tuple[Sphere, ...]:
        return tuple(self.spheres[i] for i in sphere.children)

    def ancestors(self, sphere: Sphere) -> Iterator[Sphere]:
        """Nearest first."""
        index = sphere.parent
        while index is not None:
            parent = self.spheres[index]
            yield parent
            index = parent.parent

    def find(self, path: str) -> Sphere | None:
        """The first sphere declared at ``path`` (duplicates are REF002)."""
        index = self.by_path.get(path)
        return None if index is None else self.spheres[index]
