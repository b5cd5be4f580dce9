"""A module-style plugin: its rules are the ones it defines."""

from __future__ import annotations

from collections.abc import Iterator

from spherelang.model import Model
from spherelang.rulelang.plugins import Finding, RuleRegistry, rule

# Registered here so that importing the module does not touch the global registry.
_LOCAL = RuleRegistry()


@rule("FIX001", "roots declare a title", "info", registry=_LOCAL)
def roots_have_titles(model: Model) -> Iterator[Finding]:
    """Every root sphere should carry a title.

    ## Why is this bad?
    A root without a title shows up as a bare name in reports.
    """
    for sphere in model.roots:
        if sphere.title is None:
            yield Finding(sphere, f"root '{sphere.path}' has no title")
