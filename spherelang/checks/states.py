"""What went wrong while resolving, gathered once per model for the checks.

The resolver records states on the model (a link that did not resolve, an
invalid value, a requirement that names nothing). Several checks read the same
states — REF001, REF004, NEST002, NEST004 and NEST005 all read failed links —
so one walk over the model gathers them, and each check words its own
diagnostics from the short lists. The walk is cached per model object.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator

import attrs

from ..model import (
    Channel,
    Indicator,
    InvalidValue,
    LinkStatus,
    Model,
    Power,
    Requirement,
    Resource,
    Responsibility,
    Sphere,
)
from ..model.model import Link

_OK = LinkStatus.OK


@attrs.frozen
class FailedLink:
    sphere: Sphere
    member: Power | Resource
    link: Link


@attrs.frozen
class FailedRequirement:
    sphere: Sphere
    duty: Responsibility
    requirement: Requirement


@attrs.frozen
class UnitMismatch:
    """An amount in another unit than the resource it counts against."""

    sphere: Sphere
    holder: Resource | Responsibility    # the allocating resource, or the asking responsibility
    requirement: Requirement | None      # for a responsibility: its entry
    target: Resource                     # the source resource, or the resource required
    target_path: str


@attrs.frozen
class Invalid:
    sphere: Sphere
    what: str                            # resource, requirement, indicator, channel, capacity, year, uncertainty
    name: str | None                     # the member's name (None for capacity)
    value: InvalidValue
    owner: str | None = None             # for a requirement: the responsibility


@attrs.frozen
class States:
    links: tuple[FailedLink, ...]
    requirements: tuple[FailedRequirement, ...]
    units: tuple[UnitMismatch, ...]
    invalid: tuple[Invalid, ...]


#: By the model's identity (a model hashes by value, which would walk all of
#: it); an entry goes when its model does.
_CACHE: dict[int, tuple[weakref.ref[Model], States]] = {}


def states(model: Model) -> States:
    """The model's failed links and requirements, unit mismatches and invalid values."""
    key = id(model)
    cached = _CACHE.get(key)
    if cached is not None and cached[0]() is model:
        return cached[1]
    found = _Walk(model).run()
    _CACHE[key] = (weakref.ref(model, lambda _: _CACHE.pop(key, None)), found)
    return found


class _Walk:
    """One pass over every member; the common case (everything resolved, units
    equal) must cost little, since the walk sees every statement of the model."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.links: list[FailedLink] = []
        self.requirements: list[FailedRequirement] = []
        self.units: list[UnitMismatch] = []
        self.invalid: list[Invalid] = []

    def run(self) -> States:
        spheres = self.model.spheres
        for sphere in spheres:
            if sphere.invalid_capacity is not None:
                self.invalid.append(Invalid(sphere, "capacity", None, sphere.invalid_capacity))
            if sphere.invalid_capacity_uncertainty is not None:
                self.invalid.append(Invalid(sphere, "uncertainty", None, sphere.invalid_capacity_uncertainty))
            for power in sphere.powers:
                grant = power.grant
                if grant is not None and grant.status is not _OK:
                    self.links.append(FailedLink(sphere, power, grant))
            for resource in sphere.resources:
                if resource.invalid is not None:
                    self.invalid.append(Invalid(sphere, "resource", resource.name, resource.invalid))
                source = resource.source
                if source is not None and (source.status is not _OK or source.unit != resource.unit):
                    self.allocation(sphere, resource, source)
            for duty in sphere.responsibilities:
                for req in duty.requires:
                    if req.problem is not None or req.invalid is not None:
                        self.failed_requirement(sphere, duty, req)
                    elif req.amount_text is not None and req.target_kind == "resource":
                        target = _named(sphere.resources, req.name)
                        if target.unit != req.unit:
                            self.units.append(UnitMismatch(sphere, duty, req, target, f"{sphere.path}.{req.name}"))
            for item in _valued(sphere):
                if item.invalid is not None:
                    self.invalid.append(Invalid(sphere, item.kind, item.name, item.invalid))
            for indicator in sphere.indicator_statements:
                if indicator.invalid_year is not None:
                    self.invalid.append(Invalid(sphere, "year", indicator.name, indicator.invalid_year))
                if indicator.invalid_uncertainty is not None:
                    self.invalid.append(Invalid(sphere, "uncertainty", indicator.name, indicator.invalid_uncertainty))
        return States(tuple(self.links), tuple(self.requirements), tuple(self.units), tuple(self.invalid))

    def allocation(self, sphere: Sphere, resource: Resource, source: Link) -> None:
        if source.status is not _OK:
            self.links.append(FailedLink(sphere, resource, source))
            return
        assert source.sphere is not None and source.name is not None
        holder = self.model.spheres[source.sphere]
        target = _named(holder.resources, source.name)
        if target.unit != resource.unit:
            self.units.append(UnitMismatch(sphere, resource, None, target, f"{holder.path}.{source.name}"))

    def failed_requirement(self, sphere: Sphere, duty: Responsibility, req: Requirement) -> None:
        if req.problem is not None:
            self.requirements.append(FailedRequirement(sphere, duty, req))
        if req.invalid is not None:
            self.invalid.append(Invalid(sphere, "requirement", req.name, req.invalid, duty.name))
        if req.problem is None and req.amount_text is not None and req.target_kind == "resource":
            target = _named(sphere.resources, req.name)
            if target.unit != req.unit:
                self.units.append(UnitMismatch(sphere, duty, req, target, f"{sphere.path}.{req.name}"))


def _named(resources: tuple[Resource, ...], name: str) -> Resource:
    """The resource of that name (a sphere holds a few: a scan beats a dict)."""
    for resource in resources:
        if resource.name == name:
            return resource
    raise LookupError(name)  # a resolved link always names a member of the model


def _valued(sphere: Sphere) -> Iterator[Indicator | Channel]:
    yield from sphere.indicator_statements  # every year of a series, not only the one that counts
    yield from sphere.channels


def failed_links(model: Model, *statuses: LinkStatus) -> Iterator[FailedLink]:
    wanted = frozenset(statuses)
    return (f for f in states(model).links if f.link.status in wanted)


def failed_requirements(model: Model, status: LinkStatus) -> Iterator[FailedRequirement]:
    return (f for f in states(model).requirements if f.requirement.problem is not None
            and f.requirement.problem.status is status)
