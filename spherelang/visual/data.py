"""What the renderers show, gathered once from a model, an evaluation and
diagnostics: per sphere its figures (and baseline), its diagnostics and their
worst severity, plus the colour scales the picture and its legend share."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import attrs

from ..diagnostics import Diagnostic, Severity
from ..evaluator import FIGURES, Figures, apply_scenario
from ..model import Model, Sphere, model_binding
from ..pipeline import Evaluation
from ..report.paths import display_path
from .text import number


@attrs.frozen(slots=True)
class SphereView:
    sphere: Sphere
    figures: Figures
    baseline: Figures | None
    diagnostics: tuple[Diagnostic, ...]
    #: How many spheres it sets the ceiling of (LANGUAGE.md §8.1).
    binds: int = 0

    @property
    def held(self) -> bool:
        """Its own capacity is above what it can deliver: the corridor holds it."""
        cap, eff = self.figures.capacity, self.figures.effective
        return cap is not None and eff is not None and cap - eff > 1e-9

    @property
    def worst(self) -> Severity | None:
        return max((d.severity for d in self.diagnostics), default=None)


@attrs.frozen(slots=True)
class View:
    model: Model
    spheres: tuple[SphereView, ...]
    #: Diagnostics about no sphere of the picture (loading, rules, unknown paths).
    unattached: tuple[Diagnostic, ...]
    scenario: str | None

    @property
    def title(self) -> str:
        return model_title(self.model)


def model_title(model: Model) -> str:
    return model.title if model.title is not None else display_path(model.entry)


def align(model: Model, evaluation: Evaluation | None) -> Model:
    """The model the picture must show: with a scenario evaluation, the model
    after that scenario (callers may pass either the baseline or it)."""
    if evaluation is None or evaluation.scenario is None or model.scenario == evaluation.scenario:
        return model
    if evaluation.model is not None and evaluation.model.scenario == evaluation.scenario:
        return evaluation.model
    return apply_scenario(model, evaluation.scenario)


def build_view(model: Model, evaluation: Evaluation | None = None,
               diagnostics: Iterable[Diagnostic] | None = None) -> View:
    """Gather the view; ``diagnostics`` default to the evaluation's violations."""
    model = align(model, evaluation)
    found = tuple(diagnostics) if diagnostics is not None else ()
    if not found and evaluation is not None:
        found = evaluation.violations
    by_path: dict[str, list[Diagnostic]] = {}
    for d in found:
        if d.sphere is not None:
            by_path.setdefault(d.sphere, []).append(d)
    rows = {} if evaluation is None else _rows(evaluation)
    views = []
    binding = model_binding(model)
    for s, b in zip(model.spheres, binding):
        figures, baseline = rows.get(s.path, (Figures.of(s), None))
        views.append(SphereView(s, figures, baseline, tuple(by_path.get(s.path, ())), b.binds))
    known = {s.path for s in model.spheres}
    unattached = tuple(d for d in found if d.sphere is None or d.sphere not in known)
    return View(model, tuple(views), unattached, evaluation.scenario if evaluation else None)


def preorder(model: Model) -> list[int]:
    """Sphere indices parents first, children in order, without recursion
    (``Model.spheres`` is already in pre-order; this does not rely on it)."""
    order: list[int] = []
    stack = [s.index for s in reversed(model.roots)]
    while stack:
        i = stack.pop()
        order.append(i)
        stack.extend(reversed(model.spheres[i].children))
    return order


def _rows(evaluation: Evaluation) -> dict[str, tuple[Figures, Figures | None]]:
    rows: dict[str, tuple[Figures, Figures | None]] = {}
    for row in evaluation.spheres:
        rows.setdefault(row.path, (row.figures, row.baseline))
    return rows


# ---------------------------------------------------------------- scales

#: A light sequential scale (after ColorBrewer YlGnBu, stopping before the
#: darkest blues so that dark text stays readable on every fill).
CAPACITY_STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.0, (255, 255, 217)),
    (0.25, (215, 240, 178)),
    (0.5, (152, 214, 185)),
    (0.75, (86, 186, 195)),
    (1.0, (44, 150, 192)),
)

#: The fill of a sphere without an effective capacity: a translucent shade, so
#: that nesting still reads as depth.
NO_FIGURE_FILL = "#37474f"
NO_FIGURE_OPACITY = "0.06"


def capacity_colour(value: float) -> str:
    value = min(1.0, max(0.0, value))
    for (lo, c0), (hi, c1) in itertools.pairwise(CAPACITY_STOPS):
        if value <= hi:
            t = (value - lo) / (hi - lo)
            return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(c0, c1, strict=True))
    return "#" + "".join(f"{v:02x}" for v in CAPACITY_STOPS[-1][1])


@attrs.frozen(slots=True)
class Outline:
    label: str
    colour: str
    width: float
    dash: str | None = None


OUTLINES: dict[Severity | None, Outline] = {
    Severity.ERROR: Outline("error", "#c62828", 3.0),
    Severity.WARNING: Outline("warning", "#ef6c00", 2.5, "7 3"),
    Severity.INFO: Outline("info", "#1565c0", 2.0, "2 3"),
    None: Outline("none", "#78909c", 1.0),
}
#: Worst first, for legends.
OUTLINE_ORDER: tuple[Severity | None, ...] = (Severity.ERROR, Severity.WARNING, Severity.INFO, None)


# ---------------------------------------------------------------- text


def figure_line(figures: Figures) -> str:
    return " \u00b7 ".join(f"{name} {number(getattr(figures, name))}" for name in FIGURES)


def compared_lines(figures: Figures, baseline: Figures | None) -> list[str]:
    """One line per figure: the scenario's value and the baseline's."""
    if baseline is None:
        return [f"{name} {number(getattr(figures, name))} (new in the scenario)" for name in FIGURES]
    return [f"{name} {number(getattr(figures, name))} (baseline {number(getattr(baseline, name))})"
            for name in FIGURES]


def diagnostic_line(d: Diagnostic) -> str:
    return f"{d.severity.label} {d.code}: {d.message}"


def hover_text(view: SphereView, scenario: str | None) -> str:
    """The tooltip of a sphere: path, layer, figures and diagnostics."""
    s = view.sphere
    lines = [s.path, f"layer: {s.layer}"]
    if s.title:
        lines.append(s.title)
    if scenario is None:
        lines.append(figure_line(view.figures))
    else:
        lines.append(f"scenario '{scenario}':")
        lines.extend("  " + line for line in compared_lines(view.figures, view.baseline))
    if view.diagnostics:
        lines.append(f"diagnostics ({len(view.diagnostics)}):")
        lines.extend("  " + diagnostic_line(d) for d in view.diagnostics)
    else:
        lines.append("no diagnostics")
    return "\n".join(lines)


def severity_counts(diagnostics: Sequence[Diagnostic]) -> dict[Severity, int]:
    counts = {sev: 0 for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
    for d in diagnostics:
        counts[d.severity] += 1
    return counts
