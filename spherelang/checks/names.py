"""Names: unknown, duplicate and wrong-kind references (found by the resolver)."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Finding, Severity
from ..model import Model
from .registry import Context, code, facts

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
    return facts(model, "REF001")


@code("REF002", "duplicate-name", E, "duplicate name in one scope", "names")
def duplicate_name(model: Model, ctx: Context) -> Iterable[Finding]:
    """A name declared twice in one scope, reported at the second declaration.

    Powers, responsibilities, resources, indicators and channels share one
    namespace per sphere; sphere names are unique among siblings, and root
    names in the model. A second `capacity`, or a model whose files declare
    different `layers`, is reported the same way. The duplicate member is left
    out of every other check.

    ## Why it matters
    Two things with one name make every reference to it ambiguous.

    ## Example
        power tax
        power tax          // REF002

    ## How to fix
    Rename or remove one of them.
    """
    return facts(model, "REF002")


@code("REF003", "unknown-layer", E, "unknown layer", "names")
def unknown_layer(model: Model, ctx: Context) -> Iterable[Finding]:
    """A sphere's layer is not one of the model's layers.

    Without a `layers` statement the order is
    `political > administrative > operational > body`. A sphere with an
    unknown layer is exempt from the layer rules (NEST001, ELA001).

    ## Example
        sphere Senate : politcal { }      // did you mean 'political'?

    ## How to fix
    Use one of the declared layers, or add it to the `layers` statement.
    """
    return facts(model, "REF003")


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
    return facts(model, "REF004")
