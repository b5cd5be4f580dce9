"""Meaning preservation: a position-free projection of the AST.

Two texts mean the same when their ASTs are equal once every ``span`` is
dropped, and each ``// sphere: ignore[...]`` suppression still shares its line
with the same statements (a suppression applies to the diagnostics reported on
its line, so that is the one position that carries meaning). The AST is flat by
design (spheres are a pre-order tuple, expressions an arena), so the
projection's recursion depth is bounded by the AST's shape, not by how deeply
the input nests.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from typing import Any

import attrs

from ..diagnostics import Span
from ..syntax.ast import POSITION_FIELDS, File, ScenarioIn
from ..syntax.deferred import DeferredMembers


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in attrs.fields(cls) if f.name not in POSITION_FIELDS)
    return names


def strip_positions(node: Any) -> Any:
    """``node`` as plain tuples, without spans: attrs nodes become
    ``(class name, (field, value), ...)``; tuples stay tuples."""
    cls = type(node)
    if cls is tuple or cls is list or cls is DeferredMembers:
        return tuple([strip_positions(x) for x in node])
    if cls in _FIELDS or attrs.has(cls):
        return (cls.__name__,) + tuple([(name, strip_positions(getattr(node, name))) for name in _fields(cls)])
    if isinstance(node, enum.Enum):
        return (cls.__name__, node.name)
    return node


def suppression_bindings(file: File) -> tuple[tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]], ...]:
    """Each suppression's codes with the statements on its line (diagnostics
    are reported at a statement's first line), named without positions."""
    anchors: dict[int, list[tuple[Any, ...]]] = defaultdict(list)

    def at(span: Span, *key: Any) -> None:
        anchors[span.line].append(key)

    if file.model is not None:
        at(file.model.span, "model")
    for k, stmt in enumerate(file.imports):
        at(stmt.span, "import", k)
    for k, layers in enumerate(file.layers):
        at(layers.span, "layers", k)
    for i, sphere in enumerate(file.spheres):
        at(sphere.span, "sphere", i)
        for j, member in enumerate(sphere.members):
            at(member.span, "member", i, j)
    for k, rule in enumerate(file.rules):
        at(rule.span, "rule", k)
    for k, scenario in enumerate(file.scenarios):
        at(scenario.span, "scenario", k)
        for c, change in enumerate(scenario.changes):
            at(change.span, "change", k, c)
            if isinstance(change, ScenarioIn):
                for j, member in enumerate(change.members):
                    at(member.span, "change member", k, c, j)
                for i, sphere in enumerate(change.spheres):
                    at(sphere.span, "change sphere", k, c, i)
                    for j, member in enumerate(sphere.members):
                        at(member.span, "change sphere member", k, c, i, j)
    return tuple(sorted((sup.codes, tuple(sorted(anchors.get(sup.span.line, ()))))
                        for sup in getattr(file, "suppressions", ())))


def same_meaning(a: File, b: File) -> bool:
    """Whether two parsed files are equal apart from positions, with every
    suppression comment on a line with the same statements."""
    return bool(strip_positions(a) == strip_positions(b)
                and suppression_bindings(a) == suppression_bindings(b))
