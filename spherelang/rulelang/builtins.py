"""The built-in functions: ``count sum min max any all len abs``.

Aggregates take a list, or a generator written as their only argument
(``sum(r.amount for r in s.resources)``); ``min`` and ``max`` also take two or
more values. ``abs`` is the one non-aggregate. Each walk over a list charges
one step per element to the rule's budget.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from .errors import RuleRuntimeError
from .values import Frame, describe, kind_of, number, truthy

Args = tuple[object, ...]


@attrs.frozen
class Builtin:
    name: str
    min_args: int
    max_args: int | None      # None: any number
    aggregate: bool           # accepts a list / a generator argument
    call: Callable[[Frame, Args], object] = attrs.field(repr=False)
    doc: str

    def arity_text(self) -> str:
        if self.max_args == self.min_args:
            return f"{self.min_args} argument" + ("s" if self.min_args != 1 else "")
        return f"at least {self.min_args} argument" + ("s" if self.min_args != 1 else "")


def _list(name: str, value: object) -> tuple[object, ...]:
    if type(value) is not tuple:
        raise RuleRuntimeError(f"{name}() needs a list, got {describe(value)}")
    return value


def _count(frame: Frame, args: Args) -> float:
    return float(len(_list("count", args[0])))


def _len(frame: Frame, args: Args) -> float:
    value = args[0]
    if type(value) is str or type(value) is tuple:
        return float(len(value))
    raise RuleRuntimeError(f"len() needs a list or a string, got {describe(value)}")


def _sum(frame: Frame, args: Args) -> float:
    items = _list("sum", args[0])
    frame.charge(len(items))
    total = 0.0
    for item in items:
        if type(item) is not float:
            hint = "leave nulls out, as in 'sum(x for x in xs if x != null)'" if item is None else None
            raise RuleRuntimeError(f"sum() needs numbers, got {describe(item)}", hint)
        total += item
    return number(total)


def _ordered(name: str, frame: Frame, args: Args) -> Args:
    """The values min/max choose among, checked to be all numbers or all strings."""
    if len(args) == 1:
        args = _list(name, args[0])
    frame.charge(len(args))
    if args:
        first = kind_of(args[0])
        if first not in ("number", "string"):
            raise RuleRuntimeError(f"{name}() cannot order {describe(args[0])}",
                                   "min and max compare numbers or strings")
        for item in args:
            if kind_of(item) != first:
                raise RuleRuntimeError(f"{name}() cannot compare {describe(args[0])} with {describe(item)}")
    return args


def _min(frame: Frame, args: Args) -> object:
    items = _ordered("min", frame, args)
    return min(items) if items else None  # type: ignore[type-var]  # _ordered: all numbers or all strings


def _max(frame: Frame, args: Args) -> object:
    items = _ordered("max", frame, args)
    return max(items) if items else None  # type: ignore[type-var]  # _ordered: all numbers or all strings


def _any(frame: Frame, args: Args) -> bool:
    items = _list("any", args[0])
    frame.charge(len(items))
    return any(truthy(i) for i in items)


def _all(frame: Frame, args: Args) -> bool:
    items = _list("all", args[0])
    frame.charge(len(items))
    return all(truthy(i) for i in items)


def _abs(frame: Frame, args: Args) -> float:
    value = args[0]
    if type(value) is not float:
        raise RuleRuntimeError(f"abs() needs a number, got {describe(value)}")
    return abs(value)


BUILTINS: Mapping[str, Builtin] = {
    b.name: b
    for b in (
        Builtin("count", 1, 1, True, _count, "the number of elements of a list"),
        Builtin("sum", 1, 1, True, _sum, "the sum of a list of numbers (0 when empty)"),
        Builtin("min", 1, None, True, _min,
                "the least of a list, or of several values (null for an empty list)"),
        Builtin("max", 1, None, True, _max,
                "the greatest of a list, or of several values (null for an empty list)"),
        Builtin("any", 1, 1, True, _any, "whether some element of a list is true"),
        Builtin("all", 1, 1, True, _all, "whether every element of a list is true"),
        Builtin("len", 1, 1, True, _len, "the length of a list or a string"),
        Builtin("abs", 1, 1, False, _abs, "the absolute value of a number"),
    )
}
