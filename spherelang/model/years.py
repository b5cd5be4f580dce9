"""Which indicator values count (LANGUAGE.md §8.3), as a pure pass.

A sphere keeps every ``indicator`` statement that took its place
(``Sphere.indicator_statements``): statements of one name with different
years form a series. :func:`counting` picks, at a year, the statements that
count: a statement without a year always; of a series, the one at its latest
year at or before the year (without a year: its latest), or none. A statement
whose year is invalid has no place in its series and never counts; one whose
value or SE is invalid counts as nothing (its ``normalized`` is None): there
is no fallback to an earlier year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .model import Indicator, Model


def counting(statements: Sequence[Indicator], year: int | None) -> tuple[Indicator, ...]:
    """The statements that count at ``year`` (None: each series' latest), in
    the order their names first appear."""
    chosen: dict[str, Indicator | None] = {}
    for stmt in statements:
        if not stmt.dated:
            chosen.setdefault(stmt.name, stmt)
            continue
        best = chosen.get(stmt.name)
        chosen.setdefault(stmt.name, None)
        if stmt.year is None or (year is not None and stmt.year > year):
            continue
        if best is None or (best.dated and best.year is not None and stmt.year > best.year):
            chosen[stmt.name] = stmt
    return tuple(i for i in chosen.values() if i is not None)


def model_years(model: Model) -> tuple[int, ...]:
    """Every valid year written in the model's indicators, ascending."""
    return tuple(sorted({i.year for s in model.spheres for i in s.indicator_statements if i.year is not None}))


def has_series(statements: Iterable[Indicator]) -> bool:
    return any(i.dated for i in statements)
