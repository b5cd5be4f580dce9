"""Balance of powers, responsibilities and resources inside each sphere,
plus units and value domains."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from ..diagnostics import Finding, Related, Severity
from ..model import LinkStatus, Model, Resource, Responsibility
from .nesting import exceeds, num
from .registry import Context, code
from .states import Invalid, failed_requirements, states

E, W = Severity.ERROR, Severity.WARNING


@code("BAL001", "power-without-accountability", E, "a power that no responsibility requires", "balance")
def power_without_accountability(model: Model, ctx: Context) -> Iterable[Finding]:
    """A power that no responsibility of its own sphere requires.

    Granting the power onward to an inner sphere does not count: the sphere
    that holds a power must also answer for its use.

    ## Why it matters
    No power without accountability: an authority nobody must account for is
    where arbitrariness and corruption grow.

    ## Example
        power seize                                   // BAL001
        responsibility collection requires tax, revenue

    ## How to fix
    Add the power to the `requires` of the responsibility it serves, or remove it.
    """
    for sphere in model.spheres:
        used = {name for duty in sphere.responsibilities for name in duty.power_names}
        for power in sphere.powers:
            if power.name not in used:
                yield Finding("BAL001", f"power '{power.name}' is not required by any responsibility of "
                              f"'{sphere.path}'", power.span, sphere.path, subject=power.name,
                              hint=f"list '{power.name}' in the 'requires' of the responsibility it serves, "
                              "or remove it")


@code("BAL002", "responsibility-without-power", E, "a responsibility that lists no power", "balance")
def responsibility_without_power(model: Model, ctx: Context) -> Iterable[Finding]:
    """A responsibility whose `requires` lists no power.

    A responsibility with a requirement that does not resolve (REF001, REF004,
    BAL007) is exempt: that diagnostic says what is wrong.

    ## Why it matters
    Accountability without authority: a body blamed for results it has no
    mandate to bring about.

    ## Example
        responsibility audit requires revenue         // BAL002: which power?

    ## How to fix
    Add the power the duty is carried out with: `requires inspect, revenue`.
    """
    for sphere, duty in _duties(model):
        if not duty.power_names:
            yield Finding("BAL002", f"responsibility '{duty.name}' lists no power", duty.span, sphere,
                          subject=duty.name, hint="add the power it is carried out with to its 'requires'")


@code("BAL003", "unfunded-mandate", E, "a responsibility that lists no resource", "balance")
def unfunded_mandate(model: Model, ctx: Context) -> Iterable[Finding]:
    """A responsibility whose `requires` lists no resource (an unfunded mandate).

    A responsibility with a requirement that does not resolve is exempt.

    ## Why it matters
    A mandate without means cannot be carried out, and its failure will be
    blamed on the body that holds it.

    ## Example
        responsibility planning requires tax          // BAL003: with what means?

    ## How to fix
    Add the resource it consumes: `requires tax, staff 2 FTE`.
    """
    for sphere, duty in _duties(model):
        if not duty.resource_names:
            yield Finding("BAL003", f"responsibility '{duty.name}' lists no resource", duty.span, sphere,
                          subject=duty.name, hint="add the resource it consumes to its 'requires'")


@code("BAL004", "idle-resource", W, "a resource that nothing requires or draws on", "balance")
def idle_resource(model: Model, ctx: Context) -> Iterable[Finding]:
    """A resource that no responsibility of its sphere requires and no
    descendant draws from.

    ## Why it matters
    Means with no mandate attached are either waste or a slush fund; either way
    the balance of powers, responsibilities and resources is off.

    ## Example
        resource fund = 5 USD                          // BAL004

    ## How to fix
    Require it from the responsibility it finances, allocate it to an inner
    sphere, or remove it.
    """
    for sphere in model.spheres:
        used = {name for duty in sphere.responsibilities for name in duty.resource_names}
        for res in sphere.resources:
            if res.name not in used and not res.drawn:
                yield Finding("BAL004", f"resource '{res.name}' is not required by any responsibility and no "
                              "enclosed sphere draws from it", res.span, sphere.path, subject=res.name,
                              hint="require it where it is spent, allocate it inward, or remove it")


@code("BAL005", "overcommitted-resource", E, "requirements exceed what is left of a resource", "balance")
def overcommitted_resource(model: Model, ctx: Context) -> Iterable[Finding]:
    """The amounts a sphere's responsibilities require of a resource exceed what
    is left of it after the allocations to enclosed spheres. Checked only where
    NEST003 does not fire; requirements in another unit are left out.

    ## Why it matters
    Promising the same money twice — to inner bodies and to one's own duties —
    leaves some mandate unfunded in practice.

    ## Example
        resource budget = 100 USD
        responsibility a requires tax, budget 70 USD
        responsibility b requires tax, budget 40 USD    // 110 > 100: BAL005

    ## How to fix
    Raise the amount, lower the requirements, or allocate less inward.
    """
    for sphere in model.spheres:
        for res in sphere.resources:
            if res.amount is None or exceeds(res.allocated, res.amount, ctx):
                continue
            left = res.amount - res.allocated
            if exceeds(res.required, left, ctx):
                yield Finding("BAL005", f"responsibilities require {num(res.required)}{_u(res.unit)} of resource "
                              f"'{res.name}', but only {num(left)}{_u(res.unit)} is left after allocations",
                              res.span, sphere.path, subject=res.name,
                              hint="raise the amount, or lower what the responsibilities require")


@code("BAL006", "duplicated-responsibility", W, "a responsibility declared in sibling spheres", "balance")
def duplicated_responsibility(model: Model, ctx: Context) -> Iterable[Finding]:
    """A responsibility name declared in two or more sibling spheres (root
    spheres are siblings of one another); reported at each declaration not
    marked `shared`.

    ## Why it matters
    When two bodies answer for the same thing, each can blame the other;
    where the overlap is deliberate, say so with `shared`.

    ## Example
        sphere Customs : body { responsibility inspections requires ... }
        sphere Border : body { responsibility inspections requires ... }   // both BAL006

    ## How to fix
    Give the duty to one body, or mark each joint declaration `shared`.
    """
    groups: dict[int | None, dict[str, list[tuple[str, Responsibility]]]] = defaultdict(lambda: defaultdict(list))
    for sphere in model.spheres:
        for duty in sphere.responsibilities:
            groups[sphere.parent][duty.name].append((sphere.path, duty))
    for by_name in groups.values():
        for name, decls in by_name.items():
            holders = {path for path, _ in decls}
            if len(holders) < 2:
                continue
            for path, duty in decls:
                if not duty.shared:
                    others = sorted(h for h in holders if h != path)
                    yield Finding("BAL006", f"responsibility '{name}' is also declared by "
                                  + ", ".join(f"'{o}'" for o in others), duty.span, path, subject=name,
                                  related=tuple(Related(d.span, f"also declared by '{p}'") for p, d in decls if p != path),
                                  hint="give it to one sphere, or mark it 'shared' where the overlap is deliberate")


@code("BAL007", "mandate-without-means", E, "a requirement only an ancestor holds", "balance")
def mandate_without_means(model: Model, ctx: Context) -> Iterable[Finding]:
    """A `requires` name that the sphere does not hold but an enclosing sphere
    does: the mandate was pushed down without its authority or means.

    ## Why it matters
    Delegating a duty without delegating the power or the budget to carry it
    out is the classic unbalanced reform.

    ## Example
        sphere Nation : political { resource treasury = 5e9 KZT ...
          sphere Agency : body {
            responsibility pay requires payments, treasury   // BAL007
          }
        }

    ## How to fix
    Hold the means in the sphere: `resource treasury = 1e8 KZT from Nation.treasury`.
    """
    for failed in failed_requirements(model, LinkStatus.ANCESTOR_ONLY):
        link, name, path = failed.requirement.problem, failed.requirement.name, failed.sphere.path
        assert link is not None and link.sphere is not None
        holder = model.spheres[link.sphere]
        held = holder.member(name)
        assert held is not None
        if held.kind == "power":
            hint = f"grant it here: declare 'power {name}' in '{path}'"
        else:
            hint = f"hold the means here: 'resource {name} = AMOUNT from {holder.name}.{name}'"
        yield Finding("BAL007", f"responsibility '{failed.duty.name}' requires {held.kind} '{name}', which only "
                      f"the enclosing sphere '{holder.path}' holds", failed.duty.span, path,
                      related=(Related(held.span, f"held by '{holder.path}'"),), subject=failed.duty.name,
                      hint=hint)


@code("UNIT001", "unit-mismatch", E, "units differ", "balance")
def unit_mismatch(model: Model, ctx: Context) -> Iterable[Finding]:
    """A requirement's unit differs from its resource's, or an allocation's unit
    differs from its source's. Units match only when equal: `5 KZT` and `5` differ.
    The mismatched amount is left out of every sum.

    ## Why it matters
    Staff in FTE and money in KZT cannot be added; a model that mixes them
    silently reports balances that mean nothing.

    ## Example
        resource staff = 10 FTE
        responsibility hiring requires tax, staff 3 USD     // UNIT001

    ## How to fix
    Write the amount in the resource's unit.
    """
    for found in states(model).units:
        target, req = found.target, found.requirement
        if req is None:
            own = found.holder
            assert isinstance(own, Resource)
            yield Finding("UNIT001", f"resource '{own.name}' is {_counted(own.unit)}, but its source "
                          f"'{found.target_path}' is {_counted(target.unit)}", own.span,
                          found.sphere.path, related=(Related(target.span, f"the source, {_counted(target.unit)}"),),
                          subject=own.name,
                          hint="allocations are counted in the unit of their source; use the same unit")
        else:
            yield Finding("UNIT001", f"responsibility '{found.holder.name}' asks for {req.amount_text}"
                          f"{_u(req.unit)} of '{req.name}', which is {_counted(target.unit)}", found.holder.span,
                          found.sphere.path, related=(Related(target.span, f"the resource, {_counted(target.unit)}"),),
                          subject=found.holder.name,
                          hint=f"write the amount in the resource's unit ({target.unit or 'no unit'})")


@code("VAL001", "value-out-of-domain", E, "a value out of its domain", "balance")
def value_out_of_domain(model: Model, ctx: Context) -> Iterable[Finding]:
    """A value outside its domain: a rank outside 1..N or N below 2, a scale
    whose low end is not below its high end or a score outside it, a capacity or
    channel strength outside [0, 1], a negative amount, a `year` that is not
    a whole number or a negative standard error (`± SE`).

    The invalid value is left out of every figure and every sum: a resource
    with an invalid amount gets no NEST003 or BAL005.

    ## Why it matters
    A score outside its scale or a negative budget is a typing error or a
    misread source; figures computed from it would look precise and be wrong.

    ## Example
        indicator cpi = 190 of 180          // a rank beyond N
        channel media strength 1.5          // strength runs from 0 to 1

    ## How to fix
    Correct the value against its source.
    """
    for item in states(model).invalid:
        message, hint = _INVALID_WORDS[item.what](item)
        subject = item.owner if item.what == "requirement" else item.name
        yield Finding("VAL001", message, item.value.span, item.sphere.path, subject=subject, hint=hint)


def _duties(model: Model) -> Iterable[tuple[str, Responsibility]]:
    """Responsibilities subject to BAL002/BAL003 (unresolved ones are exempt)."""
    for sphere in model.spheres:
        for duty in sphere.responsibilities:
            if not duty.unresolved:
                yield sphere.path, duty


def _u(unit: str | None) -> str:
    return f" {unit}" if unit else ""


def _counted(unit: str | None) -> str:
    return f"counted in {unit}" if unit else "counted without a unit"


_AMOUNTS_HINT = "amounts are zero or more"
_INVALID_WORDS: dict[str, Callable[[Invalid], tuple[str, str]]] = {
    "resource": lambda i: (f"the amount {i.value.text} of resource '{i.name}' is {i.value.reason}", _AMOUNTS_HINT),
    "requirement": lambda i: (f"the amount {i.value.text} of '{i.name}' required by '{i.owner}' is "
                              f"{i.value.reason}", _AMOUNTS_HINT),
    "indicator": lambda i: (f"indicator '{i.name}': {i.value.reason}",
                            "an invalid indicator is left out of the sphere's capacity"),
    "channel": lambda i: (f"channel '{i.name}' has strength {i.value.text}, {i.value.reason}",
                          "a strength runs from 0 (no feedback) to 1; an invalid one is left out of elasticity"),
    "capacity": lambda i: (f"capacity {i.value.text} is {i.value.reason}",
                           "capacity runs from 0 to 1; an invalid one is left out of every figure"),
    "year": lambda i: (f"indicator '{i.name}': year {i.value.text} is {i.value.reason}",
                       "a year is a whole number such as 2019; the statement is left out of its series"),
    "uncertainty": lambda i: (f"the standard error {i.value.text} of "
                              + (f"indicator '{i.name}'" if i.name is not None else "the capacity")
                              + f" is {i.value.reason}",
                              "a standard error ('± SE') is zero or more; the statement is left out of every figure"),
}

