"""Names: unknown, duplicate and wrong-kind references.

The resolver records how each reference resolved (a :class:`Link`'s status)
and what was declared twice; these checks word the diagnostics, with the
closest existing name where one helps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from ..diagnostics import Finding, Related, Severity
from ..model import DetachedSphere, Duplicate, LinkStatus, Model, Sphere
from ..suggest import closest
from .registry import Context, code
from .states import FailedLink, failed_links, failed_requirements

E = Severity.ERROR


@code("REF001", "unknown-name", E, "unknown name or path", "names")
def unknown_name(model: Model, ctx: Context) -> Iterable[Finding]:
    """A name or path that does not exist: a `requires` entry, the sphere or
    member of a `from`, the sphere of a `within`, or the path of a scenario's
    `in` or `remove`. The hint suggests the closest existing name.

    ## Why it matters
    A reference to nothing is a mandate or a grant that cannot be traced: an
    auditor following it finds no power, no budget line, no body.

    ## Example
        resource revenue = 100 USD
        responsibility audit requires tax, revenu     // did you mean 'revenue'?

    ## How to fix
    Correct the spelling, or declare the missing member or sphere (and import
    the file that declares it).
    """
    yield from _unknown_in_from(model)
    for failed in failed_requirements(model, LinkStatus.UNKNOWN):
        sphere, duty, name = failed.sphere, failed.duty, failed.requirement.name
        pool = [p.name for p in sphere.powers] + [r.name for r in sphere.resources]
        yield Finding("REF001", f"unknown name '{name}' in the requirements of responsibility '{duty.name}'"
                      + suggesting(closest(name, pool)), duty.span, sphere.path, subject=duty.name,
                      hint=f"'requires' names powers and resources of '{sphere.path}' itself; declare "
                      f"'{name}' there or correct the name")
    for detached in model.detached:
        if _within_member_kind(model, detached) is None:
            yield Finding("REF001", f"unknown sphere '{detached.within}' in 'within'"
                          + suggesting(_within_suggestion(model, detached)), detached.span, detached.path,
                          hint="name an existing sphere by its full path, and import the file that declares it")
    for scenario in model.scenarios:
        for change in scenario.changes:
            if change.missing is not None:
                yield Finding("REF001", f"unknown {change.missing} '{change.path}' in the scenario"
                              + suggesting(change.nearest), change.span,
                              hint="scenario paths are absolute sphere paths, or PATH.member for 'remove'")


@code("REF002", "duplicate-name", E, "duplicate name in one scope", "names")
def duplicate_name(model: Model, ctx: Context) -> Iterable[Finding]:
    """A name declared twice in one scope, reported at the second declaration.

    Powers, responsibilities, resources, indicators and channels share one
    namespace per sphere; sphere names are unique among siblings, and root
    names in the model. A second `capacity`, or a model whose files declare
    different `layers`, is reported the same way. The duplicate member is left
    out of every other check. Indicators of one name with different `year`s
    are one series, not duplicates; the same year twice, or one with a year
    and one without, is REF002.

    ## Why it matters
    Two things with one name make every reference to it ambiguous.

    ## Example
        power tax
        power tax          // REF002

    ## How to fix
    Rename or remove one of them.
    """
    for dup in model.duplicates:
        message, hint = _DUPLICATE_WORDS[dup.kind](dup)
        yield Finding("REF002", message, dup.span, dup.sphere, hint=hint,
                      related=(Related(dup.first, "first declared here"),) if dup.first is not None else (),
                      subject=dup.name if dup.kind in ("member", "series-year", "series-mixed") else None)


@code("REF003", "unknown-layer", E, "unknown layer", "names")
def unknown_layer(model: Model, ctx: Context) -> Iterable[Finding]:
    """A sphere's layer is not one of the model's layers.

    Without a `layers` statement the order is
    `political > administrative > operational > body`. A sphere with an
    unknown layer is exempt from the layer rules (NEST001, ELA001).

    ## Why it matters
    The layers order the nesting doll from the outside in; a sphere outside
    that order cannot be placed in anyone's frame, so neither the layer rules
    nor the reader can tell what encloses what.

    ## Example
        sphere Senate : politcal { }      // did you mean 'political'?

    ## How to fix
    Use one of the declared layers, or add it to the `layers` statement.
    """
    order = " > ".join(model.layers)
    for sphere in model.spheres:
        if sphere.layer_rank is None:
            yield Finding("REF003", f"unknown layer '{sphere.layer}'" + suggesting(closest(sphere.layer, model.layers)),
                          sphere.span, sphere.path, hint=f"the layers are {order}")


@code("REF004", "wrong-kind", E, "a reference names the wrong kind of thing", "names")
def wrong_kind(model: Model, ctx: Context) -> Iterable[Finding]:
    """A reference names a member of the wrong kind: `requires` naming a
    responsibility, an indicator or a channel; a power `from` a resource; a
    resource `from` a power.

    ## Why it matters
    A responsibility is carried out with powers and resources; another duty or
    a score cannot stand in for them.

    ## Example
        responsibility audit requires collection     // 'collection' is a responsibility

    ## How to fix
    Name the power or resource the responsibility really needs.
    """
    for failed in failed_links(model, LinkStatus.WRONG_KIND):
        member, link = failed.member, failed.link
        where = model.spheres[link.sphere].path if link.sphere is not None else None
        yield Finding("REF004", f"'{where}.{link.name}' is a {link.found_kind}, not a {member.kind}", member.span,
                      failed.sphere.path, subject=member.name,
                      hint=f"a {member.kind} comes from a {member.kind} of an enclosing sphere")
    for req in failed_requirements(model, LinkStatus.WRONG_KIND):
        assert req.requirement.problem is not None
        yield Finding("REF004", f"responsibility '{req.duty.name}' requires '{req.requirement.name}', which is a "
                      f"{req.requirement.problem.found_kind}, not a power or a resource", req.duty.span,
                      req.sphere.path, subject=req.duty.name,
                      hint="'requires' lists the powers and resources a responsibility needs")
    for detached in model.detached:
        kind = _within_member_kind(model, detached)
        if kind is not None:
            owner = detached.within.rpartition(".")[0]
            yield Finding("REF004", f"'within {detached.within}' names a {kind}, not a sphere", detached.span,
                          detached.path, hint=f"attach the sphere to '{owner}' itself: 'within {owner}'")


def suggesting(suggestion: str | None) -> str:
    """The did-you-mean part of a message (LANGUAGE.md §4 puts it in the message)."""
    return f"; did you mean '{suggestion}'?" if suggestion else ""


def _unknown_in_from(model: Model) -> Iterator[Finding]:
    """REF001 for a ``from`` whose sphere or member does not exist."""
    names: dict[str, list[str]] | None = None
    for failed in failed_links(model, LinkStatus.UNKNOWN):
        member, link, sphere = failed.member, failed.link, failed.sphere
        if link.found_kind == "sphere":
            assert link.written is not None
            if names is None:
                names = _paths_by_last_name(model)
            suggestion, hint = _sphere_suggestion(model, failed, names)
            message = f"unknown sphere '{link.written.rsplit('.', 1)[0]}' in 'from {link.written}'"
        else:
            assert link.sphere is not None and link.name is not None
            target = model.spheres[link.sphere]
            pool = [m.name for m in target.members() if m.kind == member.kind]
            suggestion, hint = closest(link.name, pool), f"'{target.path}' holds no {member.kind} of that name"
            message = f"sphere '{target.path}' has no {member.kind} '{link.name}'"
        yield Finding("REF001", message + suggesting(suggestion), member.span, sphere.path, hint=hint,
                      subject=member.name)


def _paths_by_last_name(model: Model) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for path in model.by_path:
        found[path.rsplit(".", 1)[-1]].append(path)
    return found


def _sphere_suggestion(model: Model, failed: FailedLink, names: dict[str, list[str]]) -> tuple[str | None, str]:
    """The closest sphere path to the one a ``from`` names, and a hint: a bare
    name that is not an ancestor may still name a sphere elsewhere."""
    assert failed.link.written is not None
    written = failed.link.written.rsplit(".", 1)[0]
    parts = written.split(".")
    last = parts[-1]
    if len(parts) == 1 and names.get(last):
        return names[last][0], (f"'{last}' does not enclose '{failed.sphere.path}': a bare name must be an "
                                "enclosing sphere; write any other sphere's full path")
    pool = [a.name for a in model.ancestors(failed.sphere)] + [
        p for p in model.by_path if p.rsplit(".", 1)[-1][:1] == last[:1]][:5000]
    return closest(written, pool), "a sphere path is absolute, or the bare name of an enclosing sphere"


def _within_member_kind(model: Model, detached: DetachedSphere) -> str | None:
    """The kind of member a failed ``within`` names, if it names one."""
    owner, _, last = detached.within.rpartition(".")
    holder = model.find(owner) if owner else None
    found = holder.member(last) if holder is not None else None
    return found.kind if found is not None else None


def _within_suggestion(model: Model, detached: DetachedSphere) -> str | None:
    """The closest path to a failed ``within``: the longest prefix that exists,
    then the child of it most like the next part."""
    parts = detached.within.split(".")
    prefix = ""
    for i in range(len(parts)):
        candidate = ".".join(parts[: i + 1])
        if candidate not in model.by_path:
            break
        prefix = candidate
    holder: Sphere | None = model.find(prefix) if prefix else None
    pool = [c.name for c in model.children(holder)] if holder is not None else [r.name for r in model.roots]
    missing = parts[len(prefix.split(".")) if prefix else 0]
    best = closest(missing, pool)
    return ".".join(filter(None, [prefix, best])) if best else None


def _duplicate_layer(dup: Duplicate) -> tuple[str, str]:
    return f"layer '{dup.name}' is listed twice", "list each layer once"


def _duplicate_layers(dup: Duplicate) -> tuple[str, str]:
    return ("the model declares its layers twice" + ("" if dup.same else ", differently"),
            "a model has at most one 'layers' statement: keep it in the file the others import")


def _duplicate_sphere(dup: Duplicate) -> tuple[str, str]:
    where = "sphere" if "." in dup.name else "root sphere"
    return f"duplicate {where} '{dup.name}'", "rename one of them, or merge their members"


def _duplicate_capacity(dup: Duplicate) -> tuple[str, str]:
    return f"sphere '{dup.sphere}' declares its capacity twice", "keep one 'capacity'"


def _duplicate_member(dup: Duplicate) -> tuple[str, str]:
    return (f"duplicate name '{dup.name}' in sphere '{dup.sphere}'",
            f"'{dup.name}' is already declared as a {dup.first_kind}; "
            "powers, responsibilities, resources, indicators and channels share one namespace")


def _duplicate_series_year(dup: Duplicate) -> tuple[str, str]:
    return (f"indicator '{dup.name}' in sphere '{dup.sphere}' has two values for year {dup.year}",
            "a series holds one value per year: remove one, or correct its year")


def _duplicate_series_mixed(dup: Duplicate) -> tuple[str, str]:
    return (f"indicator '{dup.name}' in sphere '{dup.sphere}' is declared with and without a year",
            "give every statement of a series its 'year', or keep one statement without a year")


def _duplicate_scenario(dup: Duplicate) -> tuple[str, str]:
    return f"duplicate scenario '{dup.name}'", "rename one of them; '--scenario' would apply only the first"


_DUPLICATE_WORDS = {
    "layer": _duplicate_layer,
    "layers": _duplicate_layers,
    "sphere": _duplicate_sphere,
    "capacity": _duplicate_capacity,
    "member": _duplicate_member,
    "series-year": _duplicate_series_year,
    "series-mixed": _duplicate_series_mixed,
    "scenario": _duplicate_scenario,
}
