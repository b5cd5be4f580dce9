"""The spheres as Graphviz DOT: a sphere with children is a ``subgraph
cluster_N`` holding them, a sphere without children a node. The graph asks
for Graphviz's ``osage`` layout (``dot -Tsvg`` honours ``layout=osage``), which
packs clusters inside clusters: nested boxes, the nearest Graphviz has to
concentric circles. There are no edges; nesting is the whole picture.

Fill and outline follow the SVG picture (effective capacity; worst
diagnostic) and each cluster and node carries a ``tooltip`` with its figures
and diagnostics, which Graphviz's SVG output shows on hover.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, Severity
from ..pipeline import Evaluation
from ..model import Model
from .data import NO_FIGURE_FILL, OUTLINES, SphereView, View, build_view, capacity_colour, hover_text
from .text import clean, number

#: No-figure fill as #RRGGBBAA: Graphviz has no separate fill opacity.
_NO_FIGURE = NO_FIGURE_FILL + "10"
_STYLE = {Severity.WARNING: "dashed", Severity.INFO: "dotted"}
#: Indentation stops growing here: 1,000 nested clusters stay readable text.
_MAX_INDENT = 24
#: A font list Graphviz (fontconfig) understands.
_FONT = "Helvetica,Arial,sans-serif"


def quote(text: str) -> str:
    """A DOT double-quoted string showing ``text`` literally, newlines as line breaks.

    Backslashes are doubled because Graphviz reads ``\\n``, ``\\l``, ``\\N``...
    in labels as escapes.
    """
    text = clean(text).replace("\r\n", "\n").replace("\r", "\n")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_dot(model: Model, evaluation: Evaluation | None = None, diagnostics: Iterable[Diagnostic] = ()) -> str:
    """The model's spheres as a Graphviz ``digraph`` of nested clusters (same
    arguments as :func:`spherelang.visual.render_svg`)."""
    view = build_view(model, evaluation, diagnostics)
    out = [f"// {_comment(view.title)}: {len(view.spheres)} spheres (spherelang)",
           "digraph spheres {",
           f"  graph [label={quote(_caption(view))}, labelloc=t, fontname={quote(_FONT)}, fontsize=14, "
           'layout=osage, pack=12];',
           f'  node [shape=box, style="rounded,filled", fontname={quote(_FONT)}, fontsize=10, '
           'fillcolor="#ffffff"];']
    out.extend(_body(view))
    out.append("}")
    return "\n".join(out) + "\n"


def _comment(text: str) -> str:
    return clean(text).replace("\r", " ").replace("\n", " ")


def _caption(view: View) -> str:
    text = view.title
    if view.scenario:
        text += f"\nscenario '{view.scenario}' (figures after it; tooltips show the baseline)"
    return text


def _body(view: View) -> list[str]:
    """Clusters opened and closed with an explicit stack: no recursion."""
    out: list[str] = []
    stack: list[tuple[int, bool]] = [(s.index, False) for s in reversed(view.model.roots)]
    depth = 1
    while stack:
        index, closing = stack.pop()
        if closing:
            depth -= 1
            out.append(_indent(depth) + "}")
            continue
        v = view.spheres[index]
        if not v.sphere.children:
            out.append(_indent(depth) + f"s{index} [{_attributes(v, view.scenario)}];")
            continue
        out.append(_indent(depth) + f"subgraph cluster_{index} {{")
        out.append(_indent(depth + 1) + f"graph [{_attributes(v, view.scenario)}];")
        depth += 1
        stack.append((index, True))
        stack.extend((k, False) for k in reversed(v.sphere.children))
    return out


def _indent(depth: int) -> str:
    return "  " * min(depth, _MAX_INDENT)


def _attributes(v: SphereView, scenario: str | None) -> str:
    outline = OUTLINES[v.worst]
    style = ["rounded", "filled"] + ([_STYLE[v.worst]] if v.worst in _STYLE else [])
    effective = v.figures.effective
    fill = _NO_FIGURE if effective is None else capacity_colour(effective)
    return ", ".join([
        f"label={quote(_label(v))}",
        f"tooltip={quote(hover_text(v, scenario))}",
        f"style={quote(','.join(style))}",
        f"fillcolor={quote(fill)}",
        f"color={quote(outline.colour)}",
        f"penwidth={outline.width:.1f}",
    ])


def _label(v: SphereView) -> str:
    s = v.sphere
    lines = [s.name, f"({s.layer})"]
    effective = v.figures.effective
    if effective is not None:
        line = f"effective {number(effective)}"
        if v.baseline is not None and v.baseline.effective != effective:
            line += f" (was {number(v.baseline.effective)})"
        lines.append(line)
    return "\n".join(lines)
