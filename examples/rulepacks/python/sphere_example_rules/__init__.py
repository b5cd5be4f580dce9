"""Rules that are easier to say in Python than in a `rule` block.

Each function receives the resolved model and yields findings about its
spheres or members; spherelang stamps code, severity and location.
"""

from __future__ import annotations

from collections.abc import Iterator

import spherelang
from spherelang.model import Model
from spherelang.rulelang import Finding


@spherelang.rule("PYX001", "a body's staff per responsibility stays under 5,000", "warning")
def overloaded_staffing(model: Model) -> Iterator[Finding]:
    """A state body whose staff, divided by its responsibilities, exceeds 5,000 FTE.

    ## Why it matters
    A body with one broad mandate and a huge staff usually hides several
    mandates that should be named, so that each can be answered for.

    ## How to fix
    Split the responsibility into the distinct duties the staff really carry.
    """
    for sphere in model.spheres:
        if sphere.layer != "body" or not sphere.responsibilities:
            continue
        staff = sum(r.amount or 0 for r in sphere.resources if r.unit == "FTE")
        per_duty = staff / len(sphere.responsibilities)
        if per_duty > 5000:
            yield Finding(sphere, f"'{sphere.path}' has {per_duty:,.0f} FTE per responsibility")
