"""Pictures and reports of a model: nested circles in SVG, Graphviz DOT, and a
self-contained HTML report (issue 6).

    import spherelang
    from spherelang.visual import render_svg, render_dot, render_html

    model = spherelang.load("examples/kazakhstan.sphere")
    evaluation = spherelang.evaluate(model, scenario="political_reform")
    svg = render_svg(model, evaluation)            # the scenario's figures, baseline on hover
    html = render_html(model, spherelang.check(model), spherelang.evaluate(model))
"""

from __future__ import annotations

from .svg import render_svg

__all__ = ["render_svg"]
