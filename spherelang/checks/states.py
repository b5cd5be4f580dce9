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

from ..model import InvalidValue, LinkStatus, Model, Power, Requirement, Resource, Responsibility, Sphere
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


_CACHE: weakref.WeakKeyDictionary[Model, States] = weakref.WeakKeyDictionary()


def states(model: Model) -> States:
    """The model's failed links and requirements, unit mismatches and invalid values."""
    found = _CACHE.get(model)
    if found is None:
        found = _CACHE[model] = _Walk(model).run()
    return found


class _Walk:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.links: list[FailedLink] = []
        self.requirements: list[FailedRequirement] = []
        self.units: list[UnitMismatch] = []
        self.invalid: list[Invalid] = []
        self._resources: dict[int, dict[str, Resource]] = {}

    def resources(self, index: int) -> dict[str, Resource]:
        found = self._resources.get(index)
        if found is None:
            found = self._resources[index] = {r.name: r for r in self.model.spheres[index].resources}
        return found

    def run(self) -> States:
        for sphere in self.model.spheres:
            if sphere.invalid_capacity is not None:
                self.invalid.append(Invalid(sphere, "capacity", None, sphere.invalid_capacity))
            if sphere.invalid_capacity_uncertainty is not None:
                self.invalid.append(Invalid(sphere, "uncertainty", None, sphere.invalid_capacity_uncertainty))
            for power in sphere.powers:
                grant = power.grant
                if grant is not None and grant.status is not _OK:
                    self.links.append(FailedLink(sphere, power, grant))
            for resource in sphere.resources:
                self.resource(sphere, resource)
            for duty in sphere.responsibilities:
                for req in duty.requires:
                    self.requirement(sphere, duty, req)
            for item in _valued(sphere):
                if item.invalid is not None:
                    self.invalid.append(Invalid(sphere, item.kind, item.name, item.invalid))
            for indicator in sphere.indicator_statements:
                if indicator.invalid_year is not None:
                    self.invalid.append(Invalid(sphere, "year", indicator.name, indicator.invalid_year))
                if indicator.invalid_uncertainty is not None:
                    self.invalid.append(Invalid(sphere, "uncertainty", indicator.name, indicator.invalid_uncertainty))
        return States(tuple(self.links), tuple(self.requirements), tuple(self.units), tuple(self.invalid))

    def resource(self, sphere: Sphere, resource: Resource) -> None:
        if resource.invalid is not None:
            self.invalid.append(Invalid(sphere, "resource", resource.name, resource.invalid))
        source = resource.source
        if source is None:
            return
        if source.status is not _OK:
            self.links.append(FailedLink(sphere, resource, source))
            return
        assert source.sphere is not None and source.name is not None
        target = self.resources(source.sphere)[source.name]
        if target.unit != resource.unit:
            path = f"{self.model.spheres[source.sphere].path}.{source.name}"
            self.units.append(UnitMismatch(sphere, resource, None, target, path))

    def requirement(self, sphere: Sphere, duty: Responsibility, req: Requirement) -> None:
        if req.problem is not None:
            self.requirements.append(FailedRequirement(sphere, duty, req))
        if req.invalid is not None:
            self.invalid.append(Invalid(sphere, "requirement", req.name, req.invalid, duty.name))
        if req.amount_text is not None and req.problem is None and req.target_kind == "resource":
            target = self.resources(sphere.index)[req.name]
            if target.unit != req.unit:
                self.units.append(UnitMismatch(sphere, duty, req, target, f"{sphere.path}.{req.name}"))


def _valued(sphere: Sphere) -> Iterator[object]:
    yield from sphere.indicator_statements  # every year of a series, not only the one that counts
    yield from sphere.channels


def failed_links(model: Model, *statuses: LinkStatus) -> Iterator[FailedLink]:
    wanted = frozenset(statuses)
    return (f for f in states(model).links if f.link.status in wanted)


def failed_requirements(model: Model, status: LinkStatus) -> Iterator[FailedRequirement]:
    return (f for f in states(model).requirements if f.requirement.problem is not None
            and f.requirement.problem.status is status)
