"""What the model keeps of its declarations beyond the sphere tree, made from
the syntax tree: files (titles, suppression comments), rules, spheres whose
``within`` names nothing, and duplicate scenarios."""

from __future__ import annotations

from collections.abc import Sequence

from ..diagnostics import Span
from ..model import DetachedSphere, Duplicate, Rule, SourceFile, Suppression
from ..syntax import ast


def source_file(file: ast.File) -> SourceFile:
    title = file.model.title if file.model is not None else None
    return SourceFile(file.path, title, tuple(Suppression(s.codes, s.span) for s in file.suppressions))


def rule_declaration(decl: ast.RuleDecl) -> Rule:
    return Rule(decl.code.text, decl.summary, decl.severity, decl.var.text, decl.collection.text,
                decl.collection.span, decl.where, decl.require, decl.message, decl.span)


def detached_sphere(decl: ast.SphereDecl) -> DetachedSphere:
    assert decl.within is not None
    allows = frozenset(m.code.text for m in decl.members if isinstance(m, ast.AllowDecl))
    return DetachedSphere(decl.name.text, decl.within.text, decl.span, allows)


def duplicate_scenarios(decls: Sequence[ast.ScenarioDecl]) -> list[Duplicate]:
    """A second scenario of a name already taken (REF002)."""
    seen: dict[str, Span] = {}
    found: list[Duplicate] = []
    for scenario in decls:
        first = seen.setdefault(scenario.name.text, scenario.span)
        if first is not scenario.span:
            found.append(Duplicate("scenario", scenario.name.text, scenario.span, first))
    return found
