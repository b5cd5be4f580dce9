"""Nesting containment: inner spheres move inside the frame of outer ones."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..diagnostics import Finding, Related, Severity
from ..model import LinkStatus, Model
from .registry import Context, code
from .states import FailedLink, failed_links

E, W = Severity.ERROR, Severity.WARNING


@code("NEST001", "layer-not-deeper", E, "a child sphere's layer is not deeper than its parent's", "nesting")
def layer_not_deeper(model: Model, ctx: Context) -> Iterable[Finding]:
    """A child sphere's layer is not strictly deeper than its parent's.

    ## Why it matters
    The political system encloses the administrative system, which encloses
    the operations-technological systems, which enclose the state bodies. A
    political sphere inside a ministry turns the nesting doll inside out. Layers
    may be skipped (a body directly under the government is fine).

    ## Example
        sphere Ministry : administrative {
          sphere Senate : political { }       // NEST001
        }

    ## How to fix
    Move the sphere out to the level it belongs to, or correct its layer.
    """
    for sphere in model.spheres:
        parent = model.parent(sphere)
        if parent is None or sphere.layer_rank is None or parent.layer_rank is None:
            continue
        if sphere.layer_rank <= parent.layer_rank:
            yield Finding(
                "NEST001",
                f"sphere '{sphere.path}' ({sphere.layer}) is not in a deeper layer than its parent "
                f"'{parent.path}' ({parent.layer})",
                sphere.span, sphere.path, related=(Related(parent.span, f"its parent, in layer '{parent.layer}'"),),
                hint=f"layers from the outside in: {' > '.join(model.layers)}",
            )


@code("NEST002", "power-not-granted", E, "a power is not granted by an enclosing sphere", "nesting")
def power_not_granted(model: Model, ctx: Context) -> Iterable[Finding]:
    """A power in a non-root sphere that no enclosing sphere grants.

    A power is granted implicitly by the nearest ancestor holding a power of
    the same name, or explicitly with `from Sphere.power`, where the sphere must
    enclose the declaring one (its absolute path, or an ancestor's bare name).

    ## Why it matters
    Every outer sphere sets the frame of the inner ones: an agency cannot hold
    an authority that neither parliament nor government ever gave it.

    ## Example
        sphere Ministry : administrative {
          power print_money                 // no enclosing sphere holds it
        }

    ## How to fix
    Declare the power in an enclosing sphere, or take it `from` one.
    """
    for failed in failed_links(model, LinkStatus.NOT_ANCESTOR, LinkStatus.MISSING):
        if failed.member.kind != "power":
            continue
        name, path = failed.member.name, failed.sphere.path
        if failed.link.status is LinkStatus.NOT_ANCESTOR:
            yield _not_enclosing(model, failed, "NEST002", "granted")
        else:
            yield Finding("NEST002", f"power '{name}' is not granted by any enclosing sphere", failed.member.span,
                          path, subject=name, hint=f"declare power '{name}' in an enclosing sphere, or add "
                          "'from Sphere.power' naming one")


@code("NEST003", "over-allocated", E, "allocations from a resource exceed its amount", "nesting")
def over_allocated(model: Model, ctx: Context) -> Iterable[Finding]:
    """The resources that descendants draw from a resource, together, exceed its
    amount. Reported at the source resource; the allocations are related locations.

    Allocations are explicit (`from Sphere.resource`) or implicit (a resource
    of the same name in a descendant with no `from`). Allocations in another
    unit (UNIT001) or with an invalid amount (VAL001) are left out.

    ## Why it matters
    An inner sphere's means come out of its environment's: a budget cannot be
    split into more than it holds.

    ## Example
        resource revenue = 100 USD               // NEST003: 60 + 50 > 100
        sphere Ministry : administrative { resource share = 60 USD from Nation.revenue ... }
        sphere Bank : administrative { resource share = 50 USD from Nation.revenue ... }

    ## How to fix
    Raise the source's amount or lower the allocations.
    """
    drawers: dict[tuple[int, str], list[Related]] | None = None
    for sphere in model.spheres:
        for res in sphere.resources:
            if res.amount is None or not exceeds(res.allocated, res.amount, ctx):
                continue
            drawers = drawers if drawers is not None else _allocations(model)
            yield Finding(
                "NEST003",
                f"allocations from resource '{res.name}' total {num(res.allocated)}{_u(res.unit)}, "
                f"more than its {res.amount_text}{_u(res.unit)}",
                res.span, sphere.path, subject=res.name, related=tuple(drawers.get((sphere.index, res.name), ())),
                hint="raise the amount, or lower what the enclosed spheres draw",
            )


@code("NEST004", "allocation-not-from-ancestor", E, "a resource's `from` points to a sphere that is not an ancestor",
      "nesting")
def allocation_not_from_ancestor(model: Model, ctx: Context) -> Iterable[Finding]:
    """A resource is allocated `from` a sphere that does not enclose it (a
    sibling, a cousin, a descendant, or anything from a root sphere).

    ## Why it matters
    Means flow inward from the environment; a transfer between siblings is a
    different instrument and must be modelled through their common ancestor.

    ## Example
        resource loan = 1 USD from Nation.Ministry.share   // Ministry is a sibling

    ## How to fix
    Allocate from an enclosing sphere's resource.
    """
    for failed in failed_links(model, LinkStatus.NOT_ANCESTOR):
        if failed.member.kind == "resource":
            yield _not_enclosing(model, failed, "NEST004", "allocated")


@code("NEST005", "resource-without-source", W, "a resource in a non-root sphere has no source", "nesting")
def resource_without_source(model: Model, ctx: Context) -> Iterable[Finding]:
    """A resource in a non-root sphere with no `from` and no enclosing sphere
    holding a resource of the same name.

    ## Why it matters
    Means that appear from nowhere inside the frame are off the books of the
    spheres around them; the model cannot say whether they fit.

    ## Example
        sphere Customs : operational {
          resource scanners = 12        // no enclosing 'scanners', no 'from'
        }

    ## How to fix
    Allocate it `from` an enclosing sphere's resource, or declare it there.
    """
    for failed in failed_links(model, LinkStatus.MISSING):
        if failed.member.kind == "resource":
            name = failed.member.name
            yield Finding("NEST005", f"resource '{name}' has no source in its enclosing spheres", failed.member.span,
                          failed.sphere.path, subject=name, hint=f"allocate it 'from' an enclosing sphere's "
                          f"resource, or declare a resource '{name}' in an enclosing sphere")


def _not_enclosing(model: Model, failed: FailedLink, code: str, verb: str) -> Finding:
    """A ``from`` naming a sphere that does not enclose the member's own."""
    member, path = failed.member, failed.sphere.path
    assert failed.link.sphere is not None
    where = model.spheres[failed.link.sphere].path
    enclosing = " or ".join(f"'{a.path}'" for a in list(model.ancestors(failed.sphere))[:3]) or "none exists here"
    return Finding(code, f"{member.kind} '{member.name}' is {verb} from '{where}', which does not enclose '{path}'",
                   member.span, path, subject=member.name,
                   hint=f"take the {member.kind} from an enclosing sphere: {enclosing}")


def exceeds(total: float, limit: float, ctx: Context) -> bool:
    """``total > limit``, allowing for floating-point sums."""
    return total > limit + ctx.epsilon * max(1.0, abs(limit))


def _allocations(model: Model) -> dict[tuple[int, str], list[Related]]:
    """Each source resource's drawing resources, for related locations."""
    found: dict[tuple[int, str], list[Related]] = defaultdict(list)
    for s in model.spheres:
        for r in s.resources:
            if r.source is not None and r.source.ok and r.source.sphere is not None and r.source.name:
                found[(r.source.sphere, r.source.name)].append(Related(r.span, f"draws {r.amount_text}{_u(r.unit)}"))
    return found


def num(value: float) -> str:
    """An amount for a message: ``120``, ``2.5``, ``6e9``, ``1.25e10``."""
    if float(value).is_integer() and abs(value) < 1e6:
        return str(int(value))
    text = f"{value:.6g}"
    return text.replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


def _u(unit: str | None) -> str:
    return f" {unit}" if unit else ""
