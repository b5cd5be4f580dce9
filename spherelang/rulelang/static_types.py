"""The static types of rule expressions and what each operator and built-in
accepts and gives.

A static type is a kind and, for lists, the kind of their elements (one level
only, so types never nest however deep the lists do). Kind ``any`` means
"decided at run time"; ``null`` is not tracked apart, since any operation
invalid for a kind is invalid for null too.

The functions here decide, before anything runs, whether an operation must
fail whatever the values (``s.name < 3``, ``abs("x")``), and what type its
result has, so that the next operation up can be checked in turn.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from .values import a_kind


@attrs.frozen
class Ty:
    """The static type of a value: its kind and, for lists, its elements' kind."""

    kind: str          # number string boolean null list any, or an entity kind
    elem: str = "any"  # for lists: the kind of the elements


ANY = Ty("any")
NUMBER = Ty("number")
STRING = Ty("string")
BOOLEAN = Ty("boolean")
NULL = Ty("null")

_ORDERED = ("number", "string")
_ADDABLE = ("number", "string", "list")


def element_type(ty: Ty) -> Ty:
    """The type of the elements of a value of type ``ty`` when it is looped over."""
    return Ty(ty.elem) if ty.kind == "list" else ANY


def union_type(a: Ty, b: Ty) -> Ty:
    """The narrowest type that holds values of both ``a`` and ``b``."""
    if a == b:
        return a
    if a.kind == "list" and b.kind == "list":
        return Ty("list", a.elem if a.elem == b.elem else "any")
    return ANY


def is_known(ty: Ty) -> bool:
    """Whether the kind is decided statically (not ``any``)."""
    return ty.kind != "any"


def list_literal_type(items: Sequence[Ty]) -> Ty:
    """The type of ``[a, b, ...]``: a list of their common kind, else of ``any``."""
    kinds = {t.kind for t in items}
    return Ty("list", kinds.pop() if len(kinds) == 1 else "any")


def binary_problem(op: str, left: Ty, right: Ty) -> str | None:
    """Why ``left op right`` must fail whatever the values, or None."""
    a, b = left.kind, right.kind
    both = is_known(left) and is_known(right)
    if op in ("<", "<=", ">", ">="):
        if any(is_known(t) and t.kind not in _ORDERED for t in (left, right)) or (both and a != b):
            return f"cannot compare {a_kind(a)} with {a_kind(b)}"
    elif op == "+":
        if any(is_known(t) and t.kind not in _ADDABLE for t in (left, right)) or (both and a != b):
            return f"cannot add {a_kind(a)} and {a_kind(b)}"
    elif op in ("-", "*", "/"):
        if any(is_known(t) and t.kind != "number" for t in (left, right)):
            verb = {"-": "subtract", "*": "multiply", "/": "divide"}[op]
            return f"cannot {verb} {a_kind(a)} and {a_kind(b)}"
    elif op in ("in", "not in"):
        if is_known(right) and b not in ("list", "string"):
            return f"'{op}' needs a list or a string on its right, got {a_kind(b)}"
        if b == "string" and is_known(left) and a != "string":
            return f"cannot look for {a_kind(a)} in a string"
    return None


def binary_result_type(op: str, left: Ty, right: Ty) -> Ty:
    """The type of ``left op right``, once :func:`binary_problem` found none."""
    if op in ("-", "*", "/"):
        return NUMBER
    if op != "+":
        return BOOLEAN
    kind = left.kind if is_known(left) else right.kind
    if kind == "list":
        return union_type(left, right) if is_known(left) and is_known(right) else Ty("list")
    return Ty(kind)


def call_problem(name: str, args: Sequence[Ty]) -> str | None:
    """Why built-in ``name`` must fail on arguments of these types, or None
    (its arity is checked before the arguments are compiled)."""
    kinds = [t.kind for t in args]
    if name in ("count", "sum", "any", "all") or (name in ("min", "max") and len(args) == 1):
        if kinds[0] not in ("list", "any"):
            return f"{name}() needs a list, got {a_kind(kinds[0])}"
    elif name in ("min", "max"):
        known = [k for k in kinds if k != "any"]
        odd = [k for k in known if k not in _ORDERED or k != known[0]]
        if odd:
            return f"{name}() cannot compare {a_kind(known[0])} with {a_kind(odd[0])}"
    elif name == "len" and kinds[0] not in ("list", "string", "any"):
        return f"len() needs a list or a string, got {a_kind(kinds[0])}"
    elif name == "abs" and kinds[0] not in ("number", "any"):
        return f"abs() needs a number, got {a_kind(kinds[0])}"
    return None


def call_result_type(name: str, args: Sequence[Ty]) -> Ty:
    """The type of ``name(*args)``, once :func:`call_problem` found none."""
    if name in ("any", "all"):
        return BOOLEAN
    if name in ("min", "max"):
        if len(args) == 1:
            return Ty(args[0].elem) if args[0].kind == "list" else ANY
        result = args[0]
        for ty in args[1:]:
            result = union_type(result, ty)
        return result
    return NUMBER
