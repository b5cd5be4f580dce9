"""Values and units: amounts, indicator scores and ranks, capacities, channel
strengths (LANGUAGE.md §4 VAL001 and UNIT001, §5 normalisation).

A value out of its domain is kept as an :class:`~spherelang.model.InvalidValue`
with its reason and left out of every figure and sum. Allocations and
requirements are added up per resource, in the resource's unit only.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ..diagnostics import Span
from ..model import InvalidValue
from ..syntax import ast


finite = math.isfinite


def amount_value(qty: ast.Quantity, span: Span) -> tuple[float | None, InvalidValue | None]:
    """An amount of a resource or a requirement: zero or more, and finite."""
    value = qty.value
    if value < 0:
        return None, InvalidValue("negative", qty.number.text, span)
    if not finite(value):
        return None, InvalidValue("not a finite number", qty.number.text, span)
    return value, None


def indicator_value(decl: ast.IndicatorDecl) -> tuple[float | None, InvalidValue | None]:
    """The indicator normalised to [0, 1] (higher is better), or why it cannot be."""
    value = decl.value.value
    if decl.of_ is not None:
        n = decl.of_.value
        if not (finite(n) and n >= 2):
            return None, _invalid(decl, f"a rank is out of N with N at least 2, not {decl.of_.text}")
        if not (finite(value) and 1 <= value <= n):
            return None, _invalid(decl, f"rank {decl.value.text} is outside 1..{decl.of_.text}")
        return (n - value) / (n - 1), None
    assert decl.low is not None and decl.high is not None
    lo, hi = decl.low.value, decl.high.value
    if not (finite(lo) and finite(hi) and lo < hi):
        return None, _invalid(decl, f"the scale {decl.low.text}..{decl.high.text} is empty: "
                                    "its low end must be below its high end")
    if not (finite(value) and lo <= value <= hi):
        return None, _invalid(decl, f"score {decl.value.text} is outside {decl.low.text}..{decl.high.text}")
    # halves first: 'x in -1e308..1e308' is a fine scale whose width overflows
    normalized = (value / 2 - lo / 2) / (hi / 2 - lo / 2)
    return (1.0 - normalized if decl.lower_is_better else normalized), None


def _invalid(decl: ast.IndicatorDecl, reason: str) -> InvalidValue:
    return InvalidValue(reason, decl.value.text, decl.span)


def year_value(number: ast.Number, span: Span) -> tuple[int | None, InvalidValue | None]:
    """A ``year YEAR``: a whole number."""
    value = number.value
    if finite(value) and value == int(value):
        return int(value), None
    return None, InvalidValue("not a whole number", number.text, span)


def uncertainty_value(number: ast.Number | None, span: Span) -> tuple[float, InvalidValue | None]:
    """A ``± SE``: zero or more, and finite (0 when absent or invalid)."""
    if number is None:
        return 0.0, None
    if finite(number.value) and number.value >= 0:
        return number.value, None
    return 0.0, InvalidValue("negative" if number.value < 0 else "not a finite number", number.text, span)


def unit_interval(number: ast.Number, span: Span) -> tuple[float | None, InvalidValue | None]:
    """A capacity or a channel strength: a finite number in [0, 1]."""
    if finite(number.value) and 0 <= number.value <= 1:
        return number.value, None
    return None, InvalidValue("outside 0..1", number.text, span)


class Ledger:
    """What is drawn from and required of each resource, by (sphere index, name).

    An allocation counts toward its source only in the source's unit, and a
    requirement toward its resource only in the resource's unit: a mismatch
    (UNIT001) or an invalid amount (VAL001) is left out of every sum.

    A national model has hundreds of thousands of resources: each is keyed by
    one int (its sphere and a number for its name), not a (sphere, name)
    tuple, which costs twice the memory in every table that holds it.
    """

    def __init__(self) -> None:
        self._names: dict[str, int] = {}
        self._allocated: dict[int, float] = defaultdict(float)
        self._required: dict[int, float] = defaultdict(float)
        self._drawn: set[int] = set()

    def _key(self, resource: tuple[int, str]) -> int:
        sphere, name = resource
        number = self._names.get(name)
        if number is None:
            number = self._names[name] = len(self._names)
        return (sphere << 32) | number

    def totals(self, resource: tuple[int, str]) -> tuple[float, float, bool]:
        """What is allocated from and required of ``resource``, and whether anything draws on it."""
        key = self._key(resource)
        return self._allocated.get(key, 0.0), self._required.get(key, 0.0), key in self._drawn

    def draw(self, source: tuple[int, str], unit: str | None, source_unit: str | None,
             amount: float | None) -> None:
        key = self._key(source)
        self._drawn.add(key)
        if unit == source_unit and amount is not None:
            self._allocated[key] += amount

    def require(self, resource: tuple[int, str], unit: str | None, resource_unit: str | None,
                amount: float | None) -> None:
        if unit == resource_unit and amount is not None:
            self._required[self._key(resource)] += amount
