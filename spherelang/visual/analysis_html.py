"""The analyst's answers in HTML: the reforms ranked (a section of ``sphere
report``) and several models side by side (``sphere compare --html``), with a
bar chart of mean capacity per layer per model. No scripts, no external assets."""

from __future__ import annotations

import html

from ..evaluator.samples import Samples, Statistic
from ..pipeline import Comparison, Reforms
from ..report.analysis import change_words, signed
from ..report.paths import display_path
from ..version import __version__
from .text import clean, number, xml_text

_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def _e(text: object) -> str:
    return html.escape(clean(str(text)), quote=True)


def reforms_section(result: Reforms) -> list[str]:
    """Every scenario ranked by the effective capacity it gains (LANGUAGE.md §8.2)."""
    if not result.reforms:
        return []
    out = ['<section id="reforms">', "<h2>Reforms ranked</h2>",
           '<p class="muted">Each scenario applied alone; gain is the change in effective capacity summed over '
           "the spheres present before and after. COR001 is information: a sphere whose own capacity goes beyond "
           "its corridor.</p>", '<div class="scroll"><table>',
           "<thead><tr><th>rank</th><th>scenario</th><th>gain</th><th>raised</th><th>lowered</th><th>added</th>"
           "<th>removed</th><th>fixed</th><th>introduced</th><th>what it changes</th></tr></thead>", "<tbody>"]
    for r in result.reforms:
        words = change_words(r.binders_before, r.binders_after, r.raised, r.lowered, r.gain, r.added, r.removed)
        title = f'<br><span class="muted">{_e(r.title)}</span>' if r.title else ""
        out.append(f'<tr><td class="num">{r.rank}</td><td>{_e(r.scenario)}{title}</td>'
                   f'<td class="num">{_e(signed(r.gain))}</td><td class="num">{r.raised}</td>'
                   f'<td class="num">{r.lowered}</td><td class="num">{r.added}</td><td class="num">{r.removed}</td>'
                   f'<td class="num">{len(r.fixed)}</td><td class="num">{len(r.introduced)}</td>'
                   f"<td>{_e(words)}</td></tr>")
    out.extend(["</tbody>", "</table></div>", "</section>"])
    return out


def samples_section(samples: Samples) -> list[str]:
    """How sure each figure is (LANGUAGE.md §8.5): the 5-95% interval and mean
    of capacity and effective capacity, how often the sphere is held, and by whom."""
    out = ['<section id="samples">', f"<h2>How sure: {samples.n} samples (seed {samples.seed})</h2>",
           '<p class="muted">Each value written with \u00b1 SE redrawn in every sample; the interval holds 90% of '
           "the samples. Held: how often the sphere's own capacity is beyond its corridor (COR001).</p>",
           '<div class="scroll"><table>',
           "<thead><tr><th>sphere</th><th>capacity</th><th>effective</th><th>held</th><th>bound by</th></tr></thead>",
           "<tbody>"]
    for s in samples.spheres:
        binding = ", ".join(f"{_e(path)} {_share(p)}" for path, p in s.binding)
        out.append(f"<tr><td>{_e(s.path)}</td><td class=\"num\">{_interval(s.capacity)}</td>"
                   f'<td class="num">{_interval(s.effective)}</td><td class="num">{_share(s.held)}</td>'
                   f"<td>{binding}</td></tr>")
    out.extend(["</tbody>", "</table></div>"])
    if samples.ordering is not None:
        out.append(f"<p>The layers rise from the outermost inwards in {_share(samples.ordering)} of the samples.</p>")
    out.append("</section>")
    return out


def _interval(stat: Statistic) -> str:
    if stat.mean is None:
        return "\u2014"
    return f"{number(stat.p05, 2)}\u2013{number(stat.p95, 2)} (mean {number(stat.mean, 2)})"


def _share(p: float) -> str:
    if 0 < p < 0.01:
        return "&lt;1%"
    if 0.99 < p < 1:
        return "&gt;99%"
    return f"{p * 100:.0f}%"


def comparison_chart(result: Comparison) -> str:
    """A grouped bar chart: per layer, one bar per model (mean capacity, 0..1)."""
    layers, models = result.layers, result.models
    bar, gap, group_gap, height, left, top = 18.0, 2.0, 28.0, 240.0, 48.0, 20.0
    group = max(110.0, max(1, len(models)) * (bar + gap) + group_gap)  # room for the layer's name
    names = [m.title or display_path(m.file) for m in models]
    width = max(left + max(1, len(layers)) * group + 20, left + 30 + 6.5 * max((len(n) for n in names), default=0))
    legend_top = top + height + 44
    total_h = legend_top + 18 * len(models) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {total_h:.0f}" width="{width:.0f}" '
           f'height="{total_h:.0f}" font-family="sans-serif" font-size="11" role="img">',
           "<title>mean capacity per layer per model</title>"]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + height * (1 - tick)
        out.append(f'<line x1="{left - 4:.0f}" y1="{y:.1f}" x2="{width - 10:.0f}" y2="{y:.1f}" stroke="#e0e0e0"/>')
        out.append(f'<text x="{left - 8:.0f}" y="{y + 4:.1f}" text-anchor="end">{tick:.2f}</text>')
    for g, layer in enumerate(layers):
        x0 = left + g * group + (group - len(models) * (bar + gap)) / 2
        for k, m in enumerate(models):
            value = m.summary.mean(layer)
            if value is None:
                continue
            h = height * max(0.0, min(1.0, value))
            x = x0 + k * (bar + gap)
            tip = f"{m.title or display_path(m.file)}, {layer}: {number(value)}"
            out.append(f'<rect x="{x:.1f}" y="{top + height - h:.1f}" width="{bar:.0f}" height="{h:.1f}" '
                       f'fill="{_PALETTE[k % len(_PALETTE)]}"><title>{xml_text(tip)}</title></rect>')
        out.append(f'<text x="{x0 + len(models) * (bar + gap) / 2:.1f}" y="{top + height + 16:.0f}" '
                   f'text-anchor="middle">{xml_text(layer)}</text>')
    for k, m in enumerate(models):
        y = legend_top + 18 * k
        out.append(f'<rect x="{left:.0f}" y="{y - 10:.0f}" width="12" height="12" '
                   f'fill="{_PALETTE[k % len(_PALETTE)]}"/>')
        out.append(f'<text x="{left + 18:.0f}" y="{y:.0f}">{xml_text(m.title or display_path(m.file))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def comparison_page(result: Comparison) -> str:
    """``sphere compare --html``: the table and the chart in one self-contained page."""
    head = "".join(f"<th>{_e(layer)}</th>" for layer in result.layers)
    rows = []
    for m in result.models:
        cells = "".join(f'<td class="num">{number(m.summary.mean(layer))}'
                        f'{"<sup>*</sup>" if layer in m.summary.illustrative else ""}</td>' for layer in result.layers)
        rows.append(f"<tr><td>{_e(m.title or display_path(m.file))}</td>{cells}"
                    f"<td>{_e(m.summary.binding or '')}</td><td class=\"num\">{m.summary.binds}</td>"
                    f'<td class="num">{m.summary.held}</td></tr>')
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        "<title>spherelang: models side by side</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "th,td{border:1px solid #cfd8dc;padding:.25em .6em}td.num{text-align:right}.muted{color:#78909c}</style>",
        "</head>", "<body>", "<h1>Models side by side</h1>",
        '<p class="muted">Mean capacity per layer (over the spheres that have one); * the mean uses an '
        "illustrative value; the sphere that binds the most others, and how many spheres are held beyond their "
        "corridor.</p>",
        f"<figure>{comparison_chart(result)}</figure>",
        "<table>", f"<thead><tr><th>model</th>{head}<th>binds most</th><th>binds</th><th>held</th></tr></thead>",
        "<tbody>", *rows, "</tbody>", "</table>",
        f'<footer class="muted"><p>spherelang {_e(__version__)}</p></footer>', "</body>", "</html>",
    ]) + "\n"
