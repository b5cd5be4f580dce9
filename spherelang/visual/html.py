"""One self-contained HTML report: the picture, the diagnostics, the figures
and, with a scenario, what it changes. No scripts and no external assets, so
the file can be attached to a ticket or archived as a CI artefact."""

from __future__ import annotations

import html
from collections.abc import Sequence

from ..diagnostics import Diagnostic
from ..evaluator import FIGURES, Figures, SphereFigures, trend
from ..pipeline import Evaluation, Reforms, Report
from ..model import Model, Sphere
from ..model.years import model_years
from ..report.paths import display_path, in_display_order
from ..version import __version__
from .analysis_html import reforms_section, samples_section
from .data import align, model_title, severity_counts
from .svg import render_svg
from .trend_chart import render_trend_svg
from .text import clean, number

#: Indentation of the sphere tree stops growing here (1,000 levels would not fit).
_MAX_INDENT = 30

_CSS = """
body { font-family: 'DejaVu Sans', Verdana, Helvetica, Arial, sans-serif; color: #1a1a1a; margin: 2em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #cfd8dc; }
.meta { color: #546e7a; margin-top: 0; }
figure, .scroll { margin: 1em 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #cfd8dc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #eceff1; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.changed { font-weight: bold; background: #fff8e1; }
td.loc, td.code { white-space: nowrap; font-family: monospace; }
.sev { font-weight: bold; }
.error { color: #c62828; } .warning { color: #ef6c00; } .info { color: #1565c0; }
.muted { color: #78909c; }
"""


def _e(text: object) -> str:
    return html.escape(clean(str(text)), quote=True)


def render_html(model: Model, report: Report | None = None, evaluation: Evaluation | None = None,
                reforms: Reforms | None = None) -> str:
    """The report as one HTML document.

    ``report`` gives the diagnostics table (default: the evaluation's
    violations); ``evaluation`` the figures (default: the model's own). With a
    scenario evaluation, ``model`` may be the baseline or the scenario model:
    the baseline lets the report also list the spheres the scenario removes.
    """
    shown = align(model, evaluation)
    rows = evaluation.spheres if evaluation is not None else tuple(_row(s) for s in shown.spheres)
    diagnostics = in_display_order(report.violations if report is not None else (
        evaluation.violations if evaluation else ()))
    scenario = evaluation.scenario if evaluation is not None else None
    title = model_title(shown)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_e(title)} \u2014 spherelang report</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        *_header(shown, title, scenario, diagnostics, report),
        '<section id="picture">',
        "<h2>Spheres</h2>",
        f"<figure>{render_svg(shown, evaluation, diagnostics)}</figure>",
        "</section>",
        *_diagnostics_section(diagnostics),
        *_evaluation_section(rows, scenario),
    ]
    if evaluation is not None and scenario is not None:
        parts.extend(_scenario_section(evaluation, model, shown))
    if evaluation is not None and evaluation.samples is not None and evaluation.samples.spheres:
        parts.extend(samples_section(evaluation.samples))
    if reforms is not None:
        parts.extend(reforms_section(reforms))
    parts.extend(_trend_section(shown, title))
    parts.extend(_indicator_section(shown))
    parts.extend([f'<footer class="muted"><p>spherelang {_e(__version__)}</p></footer>', "</body>", "</html>"])
    return "\n".join(parts) + "\n"


def _row(sphere: Sphere) -> SphereFigures:
    return SphereFigures(sphere.path, sphere.layer, sphere.depth, Figures.of(sphere))


def _header(model: Model, title: str, scenario: str | None, diagnostics: Sequence[Diagnostic],
            report: Report | None) -> list[str]:
    counts = severity_counts(diagnostics)
    files = report.files if report is not None and report.files else (model.entry,)
    meta = f"{len(model.spheres)} spheres \u00b7 " + ", ".join(display_path(f) for f in files)
    out = ["<header>", f"<h1>{_e(title)}</h1>", f'<p class="meta">{_e(meta)}</p>']
    if scenario is not None:
        out.append(f'<p class="meta">Scenario <strong>{_e(scenario)}</strong>: figures and diagnostics after '
                   "it, the baseline beside them.</p>")
    summary = ", ".join(f'<span class="sev {sev.label}">{n} {sev.label}{"" if n == 1 else "s"}</span>'
                        for sev, n in counts.items())
    out.extend([f"<p>{summary}</p>", "</header>"])
    return out


# ---------------------------------------------------------------- diagnostics

_DIAGNOSTIC_HEAD = ("code", "severity", "location", "sphere", "message", "hint")


def _location(d: Diagnostic) -> str:
    s = d.span
    return f"{display_path(s.file)}:{s.line}:{s.column}"


def _diagnostic_rows(diagnostics: Sequence[Diagnostic]) -> list[str]:
    head = "".join(f"<th>{h}</th>" for h in _DIAGNOSTIC_HEAD)
    out = ['<div class="scroll"><table>', f"<thead><tr>{head}</tr></thead>", "<tbody>"]
    for d in diagnostics:
        sev = d.severity.label
        out.append(
            f'<tr><td class="code {sev}">{_e(d.code)}</td><td class="sev {sev}">{sev}</td>'
            f'<td class="loc">{_e(_location(d))}</td><td>{_e(d.sphere or "")}</td>'
            f"<td>{_e(d.message)}</td><td>{_e(d.hint or '')}</td></tr>")
    out.extend(["</tbody>", "</table></div>"])
    return out


def _diagnostics_section(diagnostics: Sequence[Diagnostic]) -> list[str]:
    out = ['<section id="diagnostics">', f"<h2>Diagnostics ({len(diagnostics)})</h2>"]
    out.extend(_diagnostic_rows(diagnostics) if diagnostics else ['<p class="muted">No diagnostics.</p>'])
    out.append("</section>")
    return out


# ---------------------------------------------------------------- figures


def _indent(depth: int) -> str:
    return f'style="padding-left: {0.5 + 1.2 * min(depth, _MAX_INDENT):.1f}em"'


def _sphere_cell(row: SphereFigures) -> str:
    name = row.path.rsplit(".", 1)[-1]
    deep = f' <span class="muted">(depth {row.depth})</span>' if row.depth > _MAX_INDENT else ""
    return f'<td {_indent(row.depth)} title="{_e(row.path)}">{_e(name)}{deep}</td>'


def _evaluation_section(rows: tuple[SphereFigures, ...], scenario: str | None) -> list[str]:
    out = ['<section id="evaluation">', "<h2>Evaluation</h2>",
           '<p class="muted">The sphere tree, indented by depth (hover a name for its path); '
           "\u2014 where a figure is undefined.</p>", '<div class="scroll"><table>']
    if scenario is None:
        head = "".join(f'<th>{f}</th>' for f in FIGURES)
        out.append(f"<thead><tr><th>sphere</th><th>layer</th>{head}</tr></thead>")
    else:
        head = "".join(f'<th colspan="2">{f}</th>' for f in FIGURES)
        sub = "<th>baseline</th><th>scenario</th>" * len(FIGURES)
        out.append(f'<thead><tr><th rowspan="2">sphere</th><th rowspan="2">layer</th>'
                   f"{head}</tr><tr>{sub}</tr></thead>")
    out.append("<tbody>")
    out.extend(_figure_row(row, scenario) for row in rows)
    out.extend(["</tbody>", "</table></div>", "</section>"])
    return out


def _figure_row(row: SphereFigures, scenario: str | None) -> str:
    cells = [_sphere_cell(row), f"<td>{_e(row.layer)}</td>"]
    for name in FIGURES:
        value = getattr(row.figures, name)
        if scenario is None:
            mark = '<sup title="depends on a value marked illustrative">*</sup>' if name in row.illustrative else ""
            cells.append(f'<td class="num">{number(value)}{mark}</td>')
            continue
        before = None if row.baseline is None else getattr(row.baseline, name)
        changed = row.baseline is None or number(before) != number(value)
        mark = ' changed' if changed else ""
        base = "new" if row.baseline is None else number(before)
        cells.append(f'<td class="num">{base}</td><td class="num{mark}">{number(value)}</td>')
    return "<tr>" + "".join(cells) + "</tr>"


# ---------------------------------------------------------------- years and provenance


def _trend_section(model: Model, title: str) -> list[str]:
    """The chart of capacity and ceiling over the years, when the model has years."""
    if model.broken or not model_years(model):
        return []
    chart = render_trend_svg(trend(model), title)
    return ['<section id="trend">', "<h2>Over the years</h2>",
            '<p class="muted">Capacity (solid) and ceiling (dashed) per sphere; a ring marks a year in which the '
            "sphere is held below its own capacity.</p>", f"<figure>{chart}</figure>", "</section>"]


def _indicator_section(model: Model) -> list[str]:
    """Every indicator statement (every year of a series), with its source and
    whether it is illustrative (assumed: no published source gives it)."""
    rows = [(s, i) for s in model.spheres for i in s.indicator_statements]
    if not rows:
        return []
    out = ['<section id="indicators">', "<h2>Indicators</h2>",
           '<p class="muted">Every value the figures come from; <b>illustrative</b> marks an assumed value, and '
           "an asterisk in the evaluation a figure that depends on one.</p>", '<div class="scroll"><table>',
           "<thead><tr><th>sphere</th><th>indicator</th><th>value</th><th>scale</th><th>normalised</th>"
           "<th>year</th><th>source</th><th>illustrative</th></tr></thead>", "<tbody>"]
    for sphere, ind in rows:
        scale = f"rank of {_num(ind.of)}" if ind.of is not None else (
            f"{_num(ind.low)}..{_num(ind.high)}" + (", lower is better" if ind.lower_is_better else ""))
        spread = f" ± {_num(ind.uncertainty)}" if ind.uncertainty else ""
        out.append(f"<tr><td>{_e(sphere.path)}</td><td>{_e(ind.name)}</td>"
                   f'<td class="num">{_num(ind.value)}{spread}</td><td>{_e(scale)}</td>'
                   f'<td class="num">{number(ind.normalized)}</td>'
                   f'<td class="num">{"" if ind.year is None else _e(ind.year)}</td>'
                   f"<td>{_e(ind.source or '')}</td><td>{'yes' if ind.illustrative else ''}</td></tr>")
    out.extend(["</tbody>", "</table></div>", "</section>"])
    return out


def _num(value: float | None) -> str:
    """A value as written in a model (no trailing zeros)."""
    return "" if value is None else f"{value:g}"


# ---------------------------------------------------------------- scenario


def _scenario_section(evaluation: Evaluation, given: Model, shown: Model) -> list[str]:
    out = ['<section id="scenario">', f"<h2>Scenario {_e(evaluation.scenario)}</h2>"]
    if given is not shown:  # the baseline was given: say what the scenario removed
        kept = {s.path for s in shown.spheres}
        removed = [s.path for s in given.spheres if s.path not in kept]
        if removed:
            items = "".join(f"<li>{_e(p)}</li>" for p in dict.fromkeys(removed))
            out.append(f"<h3>Spheres removed ({len(removed)})</h3><ul>{items}</ul>")
    for heading, found in (("Fixed", evaluation.fixed), ("Introduced", evaluation.introduced)):
        out.append(f'<h3 id="{heading.lower()}">{heading} violations ({len(found)})</h3>')
        out.extend(_diagnostic_rows(found) if found else ['<p class="muted">None.</p>'])
    out.append("</section>")
    return out

