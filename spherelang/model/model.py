"""The spheres of a resolved model, their members, and how references resolved.

A reference (a ``from``, an implicit grant, a ``requires`` name) keeps its
state as a :class:`Link`; an invalid value keeps its reason as an
:class:`InvalidValue`. The checks read those states and word the diagnostics;
nothing here is a message.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from typing import Union

import attrs

from ..diagnostics import Finding, Span
from .declarations import Allow, DetachedSphere, Duplicate, Rule, Scenario, SourceFile


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
    """Where a reference points: ``sphere`` (an index into ``Model.spheres``)
    and ``name`` of the target member.

    ``written`` is the ``from`` path as written (``None`` for an implicit
    grant or a ``requires`` name). When ``status`` is UNKNOWN, ``found_kind``
    says what was missing: ``"sphere"`` (no sphere at the path; ``sphere`` is
    then ``None``) or ``"member"`` (the sphere exists but holds no such
    member). When it is WRONG_KIND, ``found_kind`` is the kind found instead.
    A resource link that resolved carries its target's ``unit`` (UNIT001
    compares it with the drawing resource's without a lookup).
    """

    status: LinkStatus
    explicit: bool
    sphere: int | None = None
    name: str | None = None
    written: str | None = None
    found_kind: str | None = None
    unit: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is LinkStatus.OK


@attrs.frozen
class InvalidValue:
    """A value out of its domain (VAL001), left out of every figure and sum.

    ``reason`` says what is wrong in words (``"negative"``, ``"outside
    0..1"``, ``"rank 190 is outside 1..180"``), ``text`` is the value as
    written and ``span`` the statement that holds it.
    """

    reason: str
    text: str
    span: Span


@attrs.frozen
class Power:
    name: str
    sphere: int
    description: str | None
    grant: Link | None  # None in a root sphere without ``from``
    # where the statement is: its span's parts, and the span made when asked
    # for (a national model holds hundreds of thousands of members, and a
    # span object of its own costs each one more than the parts do)
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    kind = "power"

    @property
    def span(self) -> Span:
        return Span(self.file, self.line, self.column, self.end_line, self.end_column)


@attrs.frozen
class Requirement:
    """One ``requires`` entry: a power, or a resource and the amount it needs.

    A model holds millions of these, so what is usual is not stored twice: a
    name that resolves does so in the responsibility's own ``sphere`` (only a
    ``problem`` is kept).
    """

    name: str
    amount: float | None        # None when absent or invalid
    amount_text: str | None     # the amount as written; None when absent
    unit: str | None
    target_kind: str | None     # "power" / "resource" when resolved
    sphere: int                 # the responsibility's sphere
    problem: Link | None        # how the name failed to resolve; None when it resolved in ``sphere``
    invalid: InvalidValue | None  # the amount is out of its domain (VAL001)
    # ``NAME [NUMBER [UNIT]]`` sits on one line: its place is kept as the
    # file (shared), line and columns, and the span made when asked for, since
    # a national model holds hundreds of thousands of requirements
    file: str
    line: int
    column: int
    end_column: int

    @property
    def span(self) -> Span:
        return Span(self.file, self.line, self.column, self.line, self.end_column)

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
    # where the statement is: its span's parts, and the span made when asked
    # for (a national model holds hundreds of thousands of members, and a
    # span object of its own costs each one more than the parts do)
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    kind = "responsibility"

    @property
    def span(self) -> Span:
        return Span(self.file, self.line, self.column, self.end_line, self.end_column)

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
    invalid: InvalidValue | None
    # where the statement is: its span's parts, and the span made when asked
    # for (a national model holds hundreds of thousands of members, and a
    # span object of its own costs each one more than the parts do)
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    kind = "resource"

    @property
    def span(self) -> Span:
        return Span(self.file, self.line, self.column, self.end_line, self.end_column)

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
    normalized: float | None    # None when the value, its year or its SE is invalid (VAL001)
    invalid: InvalidValue | None
    # where the statement is: its span's parts, and the span made when asked
    # for (a national model holds hundreds of thousands of members, and a
    # span object of its own costs each one more than the parts do)
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    #: The ``± SE`` (0 when none, or when invalid).
    uncertainty: float = 0.0
    #: The ``year YEAR`` when valid; None without one (see ``dated``) or when invalid.
    year: int | None = None
    #: A ``year`` was written (valid or not): the statement belongs to a series.
    dated: bool = False
    illustrative: bool = False
    invalid_year: InvalidValue | None = None         # not a whole number (VAL001)
    invalid_uncertainty: InvalidValue | None = None  # a negative SE (VAL001)
    kind = "indicator"

    @property
    def span(self) -> Span:
        return Span(self.file, self.line, self.column, self.end_line, self.end_column)

    @property
    def is_rank(self) -> bool:
        return self.of is not None


@attrs.frozen
class Channel:
    name: str
    sphere: int
    strength: float | None      # None when invalid (VAL001)
    description: str | None
    invalid: InvalidValue | None
    # where the statement is: its span's parts, and the span made when asked
    # for (a national model holds hundreds of thousands of members, and a
    # span object of its own costs each one more than the parts do)
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    kind = "channel"

    @property
    def span(self) -> Span:
        return Span(self.file, self.line, self.column, self.end_line, self.end_column)


Member = Union[Power, Responsibility, Resource, Indicator, Channel]


@attrs.frozen
class Sphere:
    """A sphere with its members and figures; ``index`` is its place in
    ``Model.spheres`` (pre-order), ``parent`` and ``children`` are indices too.

    The figures are those of LANGUAGE.md §5, computed by
    :func:`spherelang.model.figures.corridor_figures`; ``bound_by`` is the
    enclosing sphere whose capacity sets the ceiling (the nearest one on a tie).
    """

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
    bound_by: int | None = attrs.field(default=None, repr=False)
    #: ``channel`` statements in the block, duplicates (REF002) included (ELA001).
    declared_channels: int = attrs.field(default=0, repr=False, eq=False)
    #: An explicit ``capacity`` out of 0..1 (VAL001).
    invalid_capacity: InvalidValue | None = attrs.field(default=None, repr=False)
    #: Every ``indicator`` statement that took its place, series included, in
    #: source order; ``indicators`` holds those that count (LANGUAGE.md §8.3).
    indicator_statements: tuple[Indicator, ...] = attrs.field(default=(), repr=False)
    #: The explicit capacity's ``± SE`` (0 when none) and ``illustrative`` mark.
    capacity_uncertainty: float = attrs.field(default=0.0, repr=False)
    capacity_illustrative: bool = attrs.field(default=False, repr=False)
    #: An explicit capacity's negative SE (VAL001): the capacity counts for nothing.
    invalid_capacity_uncertainty: InvalidValue | None = attrs.field(default=None, repr=False)

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
    """A whole resolved model: spheres in pre-order (roots in declaration order),
    and what the checks need of its declarations."""

    entry: str
    root: str
    #: The model's files in the order they were read (imports first).
    sources: tuple[SourceFile, ...]
    layers: tuple[str, ...]
    spheres: tuple[Sphere, ...]
    rules: tuple[Rule, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    #: Second declarations of a name already declared in the same scope (REF002).
    duplicates: tuple[Duplicate, ...] = ()
    #: Top-level spheres whose ``within`` names no sphere: not in the tree (REF001/REF004).
    detached: tuple[DetachedSphere, ...] = ()
    by_path: Mapping[str, int] = attrs.field(factory=dict, repr=False, eq=False)
    #: What loading found (SPH001-SPH006), unstamped.
    loading: tuple[Finding, ...] = ()
    #: The scenario applied to get this model, if any.
    scenario: str | None = None
    #: The year the indicators were selected at (``--year``); None: each series' latest.
    year: int | None = None
    #: Every ``allow`` statement of the spheres in the tree, in source order.
    allows: tuple[Allow, ...] = ()

    @property
    def broken(self) -> bool:
        """A file had a syntax or encoding error: only loading diagnostics apply."""
        return any(f.code in ("SPH001", "SPH005") for f in self.loading)

    @property
    def files(self) -> tuple[str, ...]:
        """The paths of the model's files, imports first."""
        return tuple(s.path for s in self.sources)

    @property
    def title(self) -> str | None:
        """The entry file's ``model "..."`` title; else the first an imported file gives, if any."""
        entry = next((s for s in self.sources if s.path == self.entry), None)
        if entry is not None and entry.title is not None:
            return entry.title
        return next((s.title for s in self.sources if s.title is not None), None)

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

    def declares_scenario(self, name: str) -> bool:
        return any(s.name == name for s in self.scenarios)
