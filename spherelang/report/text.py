"""The human-readable forms: ruff-like diagnostics with a source snippet and a
caret, and the evaluation table."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Severity
from ..evaluator.figures import FIGURES, SphereFigures
from .paths import display_path, in_display_order
from .safe import printable
from .snippet import SourceCache, Style, snippet
from .width import column_widths, ljust, rjust

if TYPE_CHECKING:  # the evaluation's tables import these when they are drawn: `sphere check` needs none
    from ..evaluator import SphereTrend, Trend
    from ..pipeline import Evaluation, Report

_SEVERITY_COLOUR = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def plain(text: str, **_: object) -> str:
    return text


def diagnostic(d: Diagnostic, sources: SourceCache, style: Style = plain) -> str:
    s = d.span
    colour = _SEVERITY_COLOUR[d.severity]
    head = (style(f"{printable(display_path(s.file))}:{s.line}:{s.column}:", bold=True) + " "
            + style(printable(d.code), fg=colour, bold=True) + " " + style(f"[{d.severity.label}]", fg=colour)
            + " " + printable(d.message))
    out = [head, *snippet(s, d.related, sources, style, colour)]
    if d.hint:
        out.append(style("  = hint: ", fg="cyan", bold=True) + printable(d.hint))
    return "\n".join(out)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary(report: Report) -> str:
    files = _plural(len(report.files), "file")
    if not report.violations:
        return f"All checks passed ({files} checked)."
    parts = [_plural(report.errors, "error"), _plural(report.warnings, "warning"), _plural(report.infos, "info")]
    return f"Found {parts[0]}, {parts[1]} and {parts[2]} in {files}."


def report(rep: Report, style: Style = plain, given: Mapping[str, bytes] | None = None) -> str:
    sources = SourceCache({os.path.realpath(f) for f in rep.files}, given)
    blocks = [diagnostic(d, sources, style) for d in in_display_order(rep.violations)]
    blocks.append(summary(rep))
    return "\n\n".join(blocks) + "\n"


def concise(rep: Report) -> str:
    lines = [f"{printable(display_path(d.span.file))}:{d.span.line}:{d.span.column}: {printable(d.code)} "
             f"[{d.severity.label}] {printable(d.message)}" for d in in_display_order(rep.violations)]
    return "\n".join(lines + [summary(rep)]) + "\n"


# ------------------------------------------------------------------ evaluation


def _fig(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _bound_by(row: SphereFigures, scenario: bool) -> str:
    from . import analysis

    now = analysis.short(row.binding)
    if not scenario or row.baseline is None:
        return now
    before = analysis.short(row.baseline_binding)
    return now if before == now else f"{before} → {now}"


#: Marks a figure that depends on a value marked ``illustrative`` (LANGUAGE.md §8.4).
ILLUSTRATIVE_MARK = "*"
ILLUSTRATIVE_NOTE = "* depends on a value marked illustrative (assumed: no published source gives it)"


def evaluation(ev: Evaluation, style: Style = plain) -> str:
    from . import analysis, uncertainty

    header = ["sphere", "layer", *FIGURES, "bound by"]
    rows: list[list[str]] = []
    for row in ev.spheres:
        name = "  " * row.depth + row.path.rsplit(".", 1)[-1]
        cells = [name, row.layer]
        for fig in FIGURES:
            now = getattr(row.figures, fig)
            mark = ILLUSTRATIVE_MARK if fig in row.illustrative else ""
            if ev.scenario is None or row.baseline is None:
                cells.append(_fig(now) + mark)
            else:
                before = getattr(row.baseline, fig)
                cells.append(_fig(now) + mark if _fig(before) == _fig(now) else f"{_fig(before)} → {_fig(now)}{mark}")
        cells.append(printable(_bound_by(row, ev.scenario is not None)))
        rows.append(cells)
    widths = column_widths([header, *rows])

    def line(cells: list[str]) -> str:
        first = [ljust(cells[0], widths[0]), ljust(cells[1], widths[1])]
        rest = [rjust(c, w) for c, w in zip(cells[2:-1], widths[2:-1])]
        return "  ".join(first + rest + [cells[-1]]).rstrip()

    title = f"scenario '{ev.scenario}' against the baseline" if ev.scenario else "baseline"
    if ev.model is not None and ev.model.year is not None:
        title += f", values of {ev.model.year} or before"
    out = [style(title, bold=True), style(line(header), bold=True), *map(line, rows)]
    if any(row.illustrative for row in ev.spheres):
        out.append(ILLUSTRATIVE_NOTE)
    if ev.scenario is not None:
        out += ["", *_scenario_words(ev, style)]
        for label, items in (("fixed", ev.fixed), ("introduced", ev.introduced)):
            out.append("")
            out.append(style(f"{label} ({len(items)}):", bold=True))
            out.extend(f"  {d.code} {display_path(d.span.file)}:{d.span.line}: {d.message}"
                       for d in in_display_order(items))
    else:
        counts = {sev: sum(1 for v in ev.violations if v.severity is sev) for sev in Severity}
        out.append("")
        out.append(f"{_plural(counts[Severity.ERROR], 'error')}, {_plural(counts[Severity.WARNING], 'warning')}, "
                   f"{_plural(counts[Severity.INFO], 'info')} (see 'sphere check')")
    if ev.samples is not None:
        out += ["", *uncertainty.section(ev.samples, {r.path: r.depth for r in ev.spheres}, style)]
    out += ["", *analysis.limits(ev.spheres, style), "", *analysis.LEGEND]
    return "\n".join(out) + "\n"


def _scenario_words(ev: Evaluation, style: Style) -> list[str]:
    from ..evaluator import reform_effect
    from . import analysis

    """What the scenario changes, in words (the figures of 'sphere reforms')."""
    if ev.model is None or ev.baseline_model is None:
        return []
    effect = reform_effect(ev.baseline_model, ev.model)
    words = analysis.change_words(effect.before, effect.after, effect.raised, effect.lowered, effect.gain,
                                  effect.added, effect.removed)
    return [style("what it changes:", bold=True), f"  {words}"]


def use_colour(stream_isatty: bool) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream_isatty


def statistics(rep: Report, fmt: str = "text") -> str:
    """Violations counted per code, most frequent first (``--statistics``)."""
    import json
    from collections import Counter

    counts = Counter(d.code for d in rep.violations)
    severity = {d.code: d.severity for d in in_display_order(rep.violations)}
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if fmt == "json":
        return json.dumps([{"code": c, "count": n, "severity": severity[c].label} for c, n in rows], indent=2) + "\n"
    width = max((len(str(n)) for _, n in rows), default=1)
    lines = [f"{n:>{width}}  {ljust(printable(c), 8)} [{severity[c].label}]" for c, n in rows]
    return "\n".join(lines + [summary(rep)]) + "\n"


def trend(tr: Trend, style: Style = plain) -> str:
    """``sphere trend``: one table per figure, a column per year (LANGUAGE.md §8.3)."""
    title = f"scenario '{tr.scenario}'" if tr.scenario else "baseline"
    if not tr.years:
        return f"{style(title, bold=True)}\nno indicator has a 'year': the model has no years to show\n"
    out = [style(f"{title}, years {tr.years[0]}–{tr.years[-1]}", bold=True)]
    for figure in ("capacity", "ceiling", "effective", "binding"):
        header = ["bound by" if figure == "binding" else figure, *map(str, tr.years)]
        rows = [[_indent(s.path, s.depth), *_trend_cells(s, figure)] for s in tr.spheres]
        widths = column_widths([header, *rows])
        out.append("")
        out.append(style(_trend_line(header, widths), bold=True))
        out.extend(_trend_line(r, widths) for r in rows)
    if any(marks for s in tr.spheres for marks in s.illustrative):
        out.append("")
        out.append(ILLUSTRATIVE_NOTE)
    return "\n".join(out) + "\n"


def _indent(path: str, depth: int) -> str:
    return "  " * depth + path.rsplit(".", 1)[-1]


def _trend_cells(row: SphereTrend, figure: str) -> list[str]:
    if figure == "binding":
        return ["-" if b is None else b for b in row.binding]
    values = getattr(row, figure)
    return [_fig(v) + (ILLUSTRATIVE_MARK if figure in marks else "") for v, marks in zip(values, row.illustrative)]


def _trend_line(cells: list[str], widths: list[int]) -> str:
    return "  ".join([ljust(cells[0], widths[0]), *(rjust(c, w) for c, w in zip(cells[1:], widths[1:]))]).rstrip()
