"""The analysis in words (LANGUAGE.md §8.1, §8.2, §8.6): the limits that hold
spheres back, a legend for the figures, what a scenario changes, the ranked
reforms and several models side by side, for a reader without the formulas."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..evaluator import Binder, SphereFigures
from ..pipeline import Comparison, Reform, Reforms
from .paths import display_path
from .safe import printable
from .width import column_widths, ljust, rjust

Style = Callable[..., str]

EPSILON = 1e-9

LEGEND = (
    "how to read the figures (each from 0, weakest, to 1, strongest):",
    "  capacity    what a sphere could do on its own: its explicit capacity, or the mean of its indicators",
    "  ceiling     the lowest capacity among the spheres around it: the frame it works in",
    "  effective   what it can actually deliver: its capacity, held down to the ceiling",
    "  headroom    gap to ceiling: ceiling minus capacity; below 0 means the frame holds the sphere back",
    "  elasticity  the mean strength of its feedback channels",
    "  bound by    the sphere whose capacity sets the ceiling (the nearest one on a tie)",
)

REFORMS_LEGEND = (
    "gain: the change in effective capacity, summed over the spheres in both; raised / lowered: spheres whose",
    "effective capacity rises / falls; added / removed: spheres only after / only before the scenario;",
    "fixed / introduced: diagnostics of 'sphere check' it clears / brings (COR001 is information, not a fault:",
    "a sphere whose own capacity goes beyond its corridor)",
)


def _plain(text: str, **_: object) -> str:
    return text


def fig(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def signed(value: float) -> str:
    """A gain with its sign; within the tolerance of 0 it is 0 ("+0.00", never "-0.00")."""
    return f"{0.0 if abs(value) <= EPSILON else value:+.2f}"


def spheres(n: int) -> str:
    return f"{n} sphere" + ("" if n == 1 else "s")


def short(path: str | None) -> str:
    """A sphere's own name, as the tables show it."""
    return "-" if path is None else path.rsplit(".", 1)[-1]


def limit_line(b: Binder) -> str:
    """One sphere that holds others back, in words."""
    head = (f"{printable(b.name)} ({printable(b.layer)}, capacity {fig(b.capacity)}) sets the ceiling of "
            f"{spheres(b.binds)}")
    if b.unlock is None or b.unlock <= EPSILON:
        return head + ("; lifting its limit alone would unlock nothing (the spheres it caps have no more capacity "
                       "than it, or another sphere caps them as low)")
    return head + f"; lifting its limit would unlock {b.unlock:.2f} of effective capacity in the spheres inside it"


def limits(rows: Sequence[SphereFigures], style: Style = _plain) -> list[str]:
    """The limits section of ``sphere eval``: every sphere that binds at least
    one other, largest unlock first, then by path."""
    bound = [r for r in rows if r.binds > 0]
    bound.sort(key=lambda r: (-(r.unlock or 0.0), r.path))
    out = [style("limits (the spheres whose capacity caps others, largest unlock first):", bold=True)]
    if not bound:
        return out + ["  none: no sphere's capacity sets the ceiling of another"]
    for r in bound:
        out.append("  " + limit_line(Binder(r.path, short(r.path), r.layer, r.figures.capacity, r.binds, r.unlock)))
    return out


def change_words(before: Sequence[Binder], after: Sequence[Binder], raised: int, lowered: int, gain: float,
                 added: int = 0, removed: int = 0) -> str:
    """What a scenario changes, in the words of the domain ("Government now binds 3 spheres")."""
    parts: list[str] = []
    then = {b.path: b.binds for b in before}
    now = {b.path: b.binds for b in after}
    moved = [b for b in after if then.get(b.path) != b.binds]
    gone = [b for b in before if b.path not in now]
    for b in moved[:3]:
        was = then.get(b.path, 0)
        parts.append(f"{printable(b.name)} now binds {spheres(b.binds)} (was {was})")
    for b in gone[:max(0, 3 - len(moved))]:
        parts.append(f"{printable(b.name)} no longer binds any sphere (was {b.binds})")
    if len(moved) + len(gone) > 3:
        parts.append(f"and {len(moved) + len(gone) - 3} more change what binds them")
    if not moved and not gone:
        parts.append(f"{printable(after[0].name)} still binds {spheres(after[0].binds)}" if after
                     else "no sphere binds another")
    if raised or lowered:
        moves = [f"rises in {spheres(raised)}"] if raised else []
        moves += [f"falls in {spheres(lowered)}"] if lowered else []
        parts.append(f"effective capacity {' and '.join(moves)} ({signed(gain)} in all)")
    else:
        parts.append("no sphere's effective capacity changes")
    if added or removed:
        parts.append(f"adds {spheres(added)}, removes {removed}")
    return "; ".join(parts)


def reforms(result: Reforms, style: Style = _plain) -> str:
    """The ranked reforms of ``sphere reforms`` as a table, then one line each in words."""
    if not result.reforms:
        return "the model has no scenarios: nothing to rank\n"
    header = ["rank", "scenario", "gain", "raised", "lowered", "added", "removed", "fixed", "introduced"]
    rows = [[str(r.rank), printable(r.scenario), signed(r.gain), str(r.raised), str(r.lowered), str(r.added),
             str(r.removed), str(len(r.fixed)), str(len(r.introduced))] for r in result.reforms]
    widths = column_widths([header, *rows])

    def line(cells: list[str]) -> str:
        return "  ".join([rjust(cells[0], widths[0]), ljust(cells[1], widths[1]),
                          *(rjust(c, w) for c, w in zip(cells[2:], widths[2:]))]).rstrip()

    out = [style("reforms ranked by gain (the change in effective capacity, summed over the spheres)", bold=True),
           style(line(header), bold=True), *map(line, rows), "", style("what each changes:", bold=True)]
    out.extend(_reform_line(r) for r in result.reforms)
    out += ["", *REFORMS_LEGEND]
    return "\n".join(out) + "\n"


def _reform_line(r: Reform) -> str:
    title = f" ({printable(r.title)})" if r.title else ""
    words = change_words(r.binders_before, r.binders_after, r.raised, r.lowered, r.gain, r.added, r.removed)
    return f"  {r.rank}. {printable(r.scenario)}{title}: {words}"


def comparison(result: Comparison, style: Style = _plain) -> str:
    """``sphere compare``: one row per model, the mean capacity of each layer."""
    header = ["model", *result.layers, "binds most", "binds", "held"]
    rows = []
    for m in result.models:
        name = printable(m.title) if m.title is not None else printable(display_path(m.file))
        rows.append([name, *(fig(m.summary.mean(layer)) for layer in result.layers),
                     printable(short(m.summary.binding)), str(m.summary.binds), str(m.summary.held)])
    widths = column_widths([header, *rows])

    def line(cells: list[str]) -> str:
        n = len(result.layers)
        first = [ljust(cells[0], widths[0])]
        means = [rjust(c, w) for c, w in zip(cells[1:1 + n], widths[1:1 + n])]
        binder = [ljust(cells[1 + n], widths[1 + n])]
        counts = [rjust(c, w) for c, w in zip(cells[2 + n:], widths[2 + n:])]
        return "  ".join(first + means + binder + counts).rstrip()

    out = [style("mean capacity per layer, model by model", bold=True), style(line(header), bold=True),
           *map(line, rows), "",
           "a layer's figure is the mean capacity of its spheres that have one ('-': none);",
           "binds most: the sphere whose capacity sets the ceiling of the most others, and how many;",
           "held: spheres whose capacity exceeds their ceiling by more than the corridor tolerance (COR001)"]
    return "\n".join(out) + "\n"
