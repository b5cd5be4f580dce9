"""Pictures and reports of a model: nested circles in SVG, Graphviz
DOT, and a self-contained HTML report.

    import spherelang
    from spherelang.visual import render_dot, render_html, render_svg

    model = spherelang.load("examples/kazakhstan.sphere")
    svg = render_svg(model, spherelang.evaluate(model, "political_reform"))  # scenario figures, baseline on hover
    html = render_html(model, spherelang.check(model), spherelang.evaluate(model))

Every renderer returns a string that depends only on its input (the same bytes
on every run) and works on models nested 1,000 deep.
"""

from __future__ import annotations

from .data import model_title
from .dot import render_dot
from .html import render_html
from .layout import Layout, layout_tree, pack_siblings
from .svg import render_svg
from .trend_chart import render_trend_svg

__all__ = ["Layout", "layout_tree", "model_title", "pack_siblings", "render_dot", "render_html", "render_svg",
           "render_trend_svg"]
