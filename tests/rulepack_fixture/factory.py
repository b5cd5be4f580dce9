"""A callable-style plugin: the entry point returns rule objects."""

from __future__ import annotations

from spherelang.model import Model
from spherelang.rulelang.plugins import Finding, PythonRule, RuleRegistry, rule

NOT_RULES = 42


def make_rules() -> list[PythonRule]:
    local = RuleRegistry()

    @rule("FIX002", "powers have descriptions", "warning", registry=local)
    def described(model: Model) -> list[Finding]:
        """Powers without a description."""
        return [Finding(p, f"power '{p.name}' has no description")
                for s in model.spheres for p in s.powers if p.description is None and s.parent is not None]

    @rule("FIX003", "always fails", registry=local)
    def broken(model: Model) -> list[Finding]:
        raise RuntimeError("broken on purpose")

    return [described, broken]
