"""``sphere graph --trend``: each sphere's capacity and ceiling over the years
as an SVG line chart (LANGUAGE.md §8.3).

A solid line is a sphere's own capacity, a dashed line of the same colour its
ceiling; a ring marks a year in which the sphere is held (its capacity above
its ceiling), and its hover text names the sphere that binds it. The output
depends only on the input: the same bytes on every run.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..evaluator import SphereTrend, Trend
from .text import number, xml_attr, xml_text

#: Colour-blind-safe palette (Okabe-Ito), cycled over the spheres drawn.
_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
#: A chart of thousands of lines says nothing: the outermost spheres with a capacity are drawn.
MAX_LINES = 24

_LEFT, _RIGHT, _TOP, _BOTTOM = 56.0, 260.0, 40.0, 48.0
_PLOT_W, _PLOT_H = 560.0, 320.0


def render_trend_svg(trend: Trend, title: str = "") -> str:
    """The chart as a standalone SVG document."""
    drawn = [s for s in trend.spheres if any(v is not None for v in s.capacity)][:MAX_LINES]
    width, height = _LEFT + _PLOT_W + _RIGHT, _TOP + _PLOT_H + _BOTTOM
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
             f'width="{width:.0f}" height="{height:.0f}" font-family="sans-serif" font-size="12">',
             f"<title>{xml_text(title or 'capacity and ceiling over the years')}</title>",
             f'<text x="{_LEFT:.0f}" y="22" font-size="15" font-weight="bold">'
             f"{xml_text(title or 'Capacity (solid) and ceiling (dashed) over the years')}</text>"]
    parts += _axes(trend.years)
    if not trend.years or not drawn:
        parts.append(f'<text x="{_LEFT + 12:.0f}" y="{_TOP + 24:.0f}">no indicator with a year: nothing moves over time'
                     "</text>")
    for k, sphere in enumerate(drawn):
        parts += _sphere_lines(sphere, trend.years, _PALETTE[k % len(_PALETTE)], k)
    hidden = sum(1 for s in trend.spheres if any(v is not None for v in s.capacity)) - len(drawn)
    if hidden > 0:
        parts.append(f'<text x="{_LEFT + _PLOT_W + 16:.0f}" y="{_TOP + 16 * (len(drawn) + 1):.0f}" fill="#555">'
                     f"and {hidden} more (see sphere trend)</text>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _x(years: Sequence[int], year: int) -> float:
    if len(years) < 2:
        return _LEFT + _PLOT_W / 2
    return _LEFT + _PLOT_W * (year - years[0]) / (years[-1] - years[0])


def _y(value: float) -> float:
    return _TOP + _PLOT_H * (1.0 - max(0.0, min(1.0, value)))


def _axes(years: Sequence[int]) -> list[str]:
    out = [f'<rect x="{_LEFT:.0f}" y="{_TOP:.0f}" width="{_PLOT_W:.0f}" height="{_PLOT_H:.0f}" fill="none" '
           'stroke="#999"/>']
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = _y(tick)
        out.append(f'<line x1="{_LEFT - 4:.0f}" y1="{y:.1f}" x2="{_LEFT + _PLOT_W:.0f}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{_LEFT - 8:.0f}" y="{y + 4:.1f}" text-anchor="end">{tick:.2f}</text>')
    for year in years:
        x = _x(years, year)
        out.append(f'<line x1="{x:.1f}" y1="{_TOP + _PLOT_H:.0f}" x2="{x:.1f}" y2="{_TOP + _PLOT_H + 4:.0f}" '
                   'stroke="#999"/>')
        out.append(f'<text x="{x:.1f}" y="{_TOP + _PLOT_H + 18:.0f}" text-anchor="middle">{year}</text>')
    return out


def _polyline(years: Sequence[int], values: Sequence[float | None]) -> list[str]:
    """One ``points`` attribute per unbroken run of defined values."""
    runs: list[list[str]] = [[]]
    for year, value in zip(years, values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{_x(years, year):.1f},{_y(value):.1f}")
    return [" ".join(r) for r in runs if r]


def _sphere_lines(sphere: SphereTrend, years: Sequence[int], colour: str, k: int) -> list[str]:
    out = [f'<g class="sphere" data-path="{xml_attr(sphere.path)}">', f"<title>{xml_text(sphere.path)}</title>"]
    for points in _polyline(years, sphere.capacity):
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for points in _polyline(years, sphere.ceiling):
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5" '
                   'stroke-dasharray="6 4"/>')
    for year, cap, ceiling, binder in zip(years, sphere.capacity, sphere.ceiling, sphere.binding):
        if cap is None:
            continue
        x, y = _x(years, year), _y(cap)
        held = ceiling is not None and cap > ceiling + 1e-9
        tip = f"{sphere.path}, {year}: capacity {number(cap)}"
        if ceiling is not None:
            tip += f", ceiling {number(ceiling)}" + (f" set by {binder}" if binder else "")
        fill = "white" if held else colour
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{4.5 if held else 3:.1f}" fill="{fill}" '
                   f'stroke="{colour}" stroke-width="2"><title>{xml_text(tip)}</title></circle>')
    legend_y = _TOP + 16 * (k + 1)
    legend_x = _LEFT + _PLOT_W + 16
    out.append(f'<line x1="{legend_x:.0f}" y1="{legend_y - 4:.0f}" x2="{legend_x + 18:.0f}" y2="{legend_y - 4:.0f}" '
               f'stroke="{colour}" stroke-width="2"/>')
    out.append(f'<text x="{legend_x + 24:.0f}" y="{legend_y:.0f}">{xml_text(sphere.path)}</text>')
    out.append("</g>")
    return out
