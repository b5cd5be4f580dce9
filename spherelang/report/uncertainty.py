"""The text of ``sphere eval --samples`` (LANGUAGE.md §8.5): per sphere the
5-95% range of capacity and effective with their means, how often it is held
beyond its corridor and by which spheres it is bound, as percentages."""

from __future__ import annotations

from collections.abc import Callable

from ..evaluator import Samples, SphereSamples, Statistic
from .analysis import short
from .safe import printable
from .width import column_widths, ljust, rjust

Style = Callable[..., str]

LEGEND = (
    "a range is the 5th to the 95th percentile of the samples (nine samples in ten fall in it), with the mean;",
    "  held: the share of samples in which the capacity exceeds the ceiling by more than the tolerance (COR001);",
    "  bound by: how often each enclosing sphere sets the ceiling; '-': a figure no sample defines",
)


def percent(share: float) -> str:
    """A share in whole percent that never rounds a possibility away: ``<1%``, ``>99%``."""
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    return f"{round(share * 100)}%"


def span(stat: Statistic) -> str:
    """``0.45–0.52 (mean 0.48)``; one number where every sample agrees; ``-`` where undefined."""
    if stat.mean is None or stat.p05 is None or stat.p95 is None:
        return "-"
    low, high, mean = f"{stat.p05:.2f}", f"{stat.p95:.2f}", f"{stat.mean:.2f}"
    if low == high:
        return low
    return f"{low}–{high} (mean {mean})"


def bound_by(row: SphereSamples) -> str:
    if not row.binding:
        return "-"
    return ", ".join(f"{printable(short(path))} in {percent(share)}" for path, share in row.binding)


def section(samples: Samples, depths: dict[str, int], style: Style) -> list[str]:
    """The lines of the samples section (``depths``: each path's nesting, for the indent)."""
    head = f"how sure: {samples.n:,} samples of the values written with ± SE (seed {samples.seed})"
    if samples.ordering is None:
        return [style(head, bold=True), "  the model does not load: nothing to sample"]
    header = ["sphere", "capacity", "effective", "held", "bound by"]
    rows = [["  " * depths.get(r.path, 0) + printable(short(r.path)), span(r.capacity), span(r.effective),
             percent(r.held) if r.capacity.mean is not None else "-", bound_by(r)] for r in samples.spheres]
    widths = column_widths([header, *rows])

    def line(cells: list[str]) -> str:
        body = [ljust(cells[0], widths[0]), *(rjust(c, w) for c, w in zip(cells[1:4], widths[1:4])), cells[4]]
        return "  ".join(body).rstrip()

    ordering = (f"layer ordering (the mean capacity per layer falls from the innermost layer outwards): "
                f"holds in {percent(samples.ordering)} of samples")
    return [style(head, bold=True), style(line(header), bold=True), *map(line, rows), ordering, *LEGEND]
