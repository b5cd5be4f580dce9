"""Meaning preservation: a position-free projection of the AST.

Two texts mean the same when their ASTs are equal once every ``span`` is
dropped. The AST is flat by design (spheres are a pre-order tuple, expressions
an arena), so the projection's recursion depth is bounded by the AST's shape,
not by how deeply the input nests.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from ..syntax.ast import File


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in attrs.fields(cls) if f.name != "span")
    return names


def strip_positions(node: Any) -> Any:
    """``node`` as plain tuples, without spans: attrs nodes become
    ``(class name, (field, value), ...)``; tuples stay tuples."""
    cls = type(node)
    if cls is tuple or cls is list:
        return tuple([strip_positions(x) for x in node])
    if cls in _FIELDS or attrs.has(cls):
        return (cls.__name__,) + tuple([(name, strip_positions(getattr(node, name))) for name in _fields(cls)])
    if isinstance(node, enum.Enum):
        return (cls.__name__, node.name)
    return node


def same_meaning(a: File, b: File) -> bool:
    """Whether two parsed files are equal apart from positions."""
    return bool(strip_positions(a) == strip_positions(b))
