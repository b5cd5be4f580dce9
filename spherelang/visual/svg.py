"""The picture: a model's spheres as nested circles, in SVG.

Fill shows effective capacity on a sequential scale, the outline the worst
diagnostic, and each circle's ``<title>`` (hover text) its path, layer,
figures and diagnostics. The output depends only on the input: coordinates are
rounded to two decimals and nothing is iterated in hash order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import attrs

from ..diagnostics import Diagnostic
from ..pipeline import Evaluation
from ..model import Model
from .data import (
    CAPACITY_STOPS,
    NO_FIGURE_FILL,
    NO_FIGURE_OPACITY,
    OUTLINE_ORDER,
    OUTLINES,
    SphereView,
    View,
    build_view,
    capacity_colour,
    hover_text,
    preorder,
    severity_counts,
)
from .layout import Circle, Layout, layout_tree
from .text import number
from .text import FONT_FAMILY, coord, ellipsize, text_width, wrap_name, xml_attr, xml_text

# Font sizes in layout units: at scale 1 they are pixels.
LEAF_NAME = 11.0
LEAF_LAYER = 9.0
PARENT_NAME = 12.0
PARENT_LAYER = 9.5
LINE = 1.2  # line height, in ems
#: Labels smaller than this (in pixels, once scaled) are left out: unreadable.
MIN_FONT_PX = 6.0
#: The picture is drawn at its natural size up to this many pixels across.
MAX_DRAWING = 2400.0
MIN_DRAWING = 160.0
MARGIN = 16.0
HEADER = 38.0  # the title line; each subtitle line adds SUBTITLE_LINE
SUBTITLE_LINE = 16.0
LEGEND_WIDTH = 236.0
LEGEND_GAP = 28.0
#: Spheres nested deeper than this get no depth shade (see ``_fill``).
SHADE_DEPTH = 12
NAME_LIMIT = 32  # longer names are shortened on the picture (the hover text has them whole)

#: The outline of a sphere that sets the ceiling of others (LANGUAGE.md §8.1).
BINDING_COLOUR = "#7b1fa2"


@attrs.frozen(slots=True)
class Label:
    """What a sphere's label says: a leaf's name wrapped over centred lines, a
    parent's name on one line; the layer goes on the line below either."""

    lines: tuple[str, ...]
    layer: str
    width: float
    height: float


def _leaf_label(name: str, layer: str) -> Label:
    lines = tuple(wrap_name(name))
    width = max([text_width(line, LEAF_NAME) for line in lines] + [text_width(layer, LEAF_LAYER)])
    height = (len(lines) * LEAF_NAME + LEAF_LAYER) * LINE
    return Label(lines, layer, width, height)


def _parent_label(name: str, layer: str) -> Label:
    # Two centred lines rather than one line of two tspans: renderers disagree
    # on how text-anchor applies across tspans.
    short = ellipsize(name, NAME_LIMIT)
    width = max(text_width(short, PARENT_NAME, bold=True), text_width(layer, PARENT_LAYER))
    return Label((short,), layer, width, (PARENT_NAME + PARENT_LAYER) * LINE)


def _label_of(v: SphereView) -> Label:
    s = v.sphere
    return (_parent_label if s.children else _leaf_label)(s.name, s.layer)


@attrs.frozen(slots=True)
class Frame:
    """Where the layout lands on the canvas: ``x = ox + scale * layout_x``."""

    scale: float
    ox: float
    oy: float
    drawing: float
    width: float
    height: float
    header: float

    def place(self, c: Circle) -> tuple[str, str, str]:
        return coord(self.ox + c.x * self.scale), coord(self.oy + c.y * self.scale), coord(c.r * self.scale)


def _frame(layout: Layout, legend_height: float, header: float) -> Frame:
    natural = max(2 * layout.radius, 1.0)
    drawing = min(max(natural, MIN_DRAWING), MAX_DRAWING)
    scale = drawing / natural
    centre = MARGIN + drawing / 2
    width = MARGIN + drawing + LEGEND_GAP + LEGEND_WIDTH + MARGIN
    height = header + max(drawing, legend_height) + MARGIN
    return Frame(scale, centre, header + drawing / 2, drawing, width, height, header)


def render_svg(model: Model, evaluation: Evaluation | None = None,
               diagnostics: Iterable[Diagnostic] = (), labels: str = "names") -> str:
    """The model's spheres as nested circles, as an SVG document.

    ``evaluation`` supplies the figures (with a scenario, the scenario's, the
    baseline going into the hover text; the scenario is applied to ``model``
    if it is the baseline); ``diagnostics`` colour the outlines and default to
    the evaluation's violations. A sphere held below its own capacity gets an
    inner ring in the colour of that capacity (the article's paradox: high
    own capacity, effective capacity at the ceiling); a sphere that sets the
    ceiling of others a dashed violet outline. ``labels="figures"`` prints
    capacity and effective capacity under each name (for slides).
    """
    view = build_view(model, evaluation, diagnostics)
    order = [view.spheres[i] for i in preorder(view.model)]
    slot = {v.sphere.index: k for k, v in enumerate(order)}
    names = [_label_of(v) for v in order]
    parents = [None if v.sphere.parent is None else slot[v.sphere.parent] for v in order]
    layout = layout_tree(parents, [(lb.width, lb.height) for lb in names])
    legend = _legend(view)
    subtitle = _subtitle(view)
    frame = _frame(layout, legend.height, HEADER + SUBTITLE_LINE * len(subtitle))
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{coord(frame.width)}" height="{coord(frame.height)}" '
        f'viewBox="0 0 {coord(frame.width)} {coord(frame.height)}" font-family="{xml_attr(FONT_FAMILY)}" '
        'role="img">',
        f"<title>{xml_text(_caption(view))}</title>",
        _gradient(),
        f'<rect width="{coord(frame.width)}" height="{coord(frame.height)}" fill="#ffffff"/>',
    ]
    out.extend(_header(view.title, subtitle, frame))
    out.append('<g class="spheres">')
    circles = layout.circles
    out.extend(_circle(v, c, None if p is None else circles[p], frame, view.scenario)
               for v, c, p in zip(order, circles, parents, strict=True))
    out.append("</g>")
    out.append('<g class="labels" pointer-events="none" text-anchor="middle" fill="#1a1a1a">')
    for v, c, label in zip(order, layout.circles, names, strict=True):
        out.extend(_label(v, c, label, frame, labels == "figures"))
    out.append("</g>")
    out.extend(legend.place(MARGIN + frame.drawing + LEGEND_GAP, frame.header))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _caption(view: View) -> str:
    text = f"{view.title}: {len(view.spheres)} spheres"
    return text + (f", scenario '{view.scenario}'" if view.scenario else "")


def _subtitle(view: View) -> list[str]:
    lines = [f"{len(view.spheres)} spheres \u00b7 fill: effective capacity \u00b7 outline: worst diagnostic"]
    if view.scenario:
        lines.insert(0, f"scenario '{view.scenario}': figures after it; hover a sphere for the baseline")
    return lines


def _header(title: str, subtitle: list[str], frame: Frame) -> list[str]:
    room = frame.width - 2 * MARGIN
    out = [f'<text x="{coord(MARGIN)}" y="24.00" font-size="16" font-weight="bold" fill="#1a1a1a">'
           f"{xml_text(_fit(title, 16.0, room, bold=True))}</text>"]
    for i, line in enumerate(subtitle):
        y = coord(HEADER + 4 + SUBTITLE_LINE * i)
        out.append(f'<text x="{coord(MARGIN)}" y="{y}" font-size="11" fill="#546e7a">'
                   f"{xml_text(_fit(line, 11.0, room))}</text>")
    return out


def _fit(text: str, size: float, room: float, bold: bool = False) -> str:
    """``text`` shortened with an ellipsis until it fits ``room`` pixels."""
    while len(text) > 1 and text_width(text, size, bold) > room:
        text = text[: max(1, int(len(text) * room / text_width(text, size, bold)) - 1)] + "\u2026"
    return text


def _fill(v: SphereView) -> str:
    effective = v.figures.effective
    if effective is not None:
        return f'fill="{capacity_colour(effective)}"'
    # The translucent shade deepens with nesting; past SHADE_DEPTH it would
    # saturate to a dark blot, so deeper spheres are clear (still hoverable:
    # a transparent fill is painted, "none" would not be).
    opacity = NO_FIGURE_OPACITY if v.sphere.depth < SHADE_DEPTH else "0"
    return f'fill="{NO_FIGURE_FILL}" fill-opacity="{opacity}"'


def _stroke(v: SphereView, room: float) -> str:
    """The outline of the worst diagnostic, thinned where circles are packed
    closer than the outline is wide (deep chains would turn into a solid disc)."""
    o = OUTLINES[v.worst]
    width = min(o.width, max(0.2, room / 2))
    dash = f' stroke-dasharray="{o.dash}"' if o.dash and width >= 1 else ""
    return f'stroke="{o.colour}" stroke-width="{coord(width)}"{dash}'


def _room(c: Circle, parent: Circle | None, scale: float) -> float:
    """Pixels between a circle and its parent's outline, or its radius for a root."""
    if parent is None:
        return c.r * scale
    gap = parent.r - math.hypot(c.x - parent.x, c.y - parent.y) - c.r
    return min(c.r, gap) * scale


def _circle(v: SphereView, c: Circle, parent: Circle | None, frame: Frame, scenario: str | None) -> str:
    x, y, r = frame.place(c)
    out = (f'<circle cx="{x}" cy="{y}" r="{r}" {_fill(v)} {_stroke(v, _room(c, parent, frame.scale))}>'
           f"<title>{xml_text(hover_text(v, scenario))}</title></circle>")
    radius = c.r * frame.scale
    if v.held and v.figures.capacity is not None:
        width = max(1.5, min(6.0, radius * 0.08))
        # decoration only: the sphere's own circle carries the hover text (its figures)
        out += (f'\n<circle cx="{x}" cy="{y}" r="{coord(max(0.5, radius - width * 1.5))}" fill="none" '
                f'stroke="{capacity_colour(v.figures.capacity)}" stroke-width="{coord(width)}" class="own-capacity" '
                'pointer-events="none"/>')
    if v.binds:
        out += (f'\n<circle cx="{x}" cy="{y}" r="{r}" fill="none" stroke="{BINDING_COLOUR}" stroke-width="2.00" '
                f'stroke-dasharray="6 3" class="binding" pointer-events="none"/>')
    return out


def _label(v: SphereView, c: Circle, label: Label, frame: Frame, figures: bool = False) -> list[str]:
    s = frame.scale
    if LEAF_LAYER * s < MIN_FONT_PX:
        return []
    out = _name_label(v, c, label, frame)
    if figures and v.figures.capacity is not None:
        # under the name: own capacity, and the effective capacity when the corridor holds it
        text = f"{number(v.figures.capacity, 2)}" + (f" \u2192 {number(v.figures.effective, 2)}" if v.held else "")
        last_y = float(out[-1].split('y="', 1)[1].split('"', 1)[0])
        out.append(f'<text x="{coord(frame.ox + c.x * s)}" y="{coord(last_y + LEAF_LAYER * s * 1.2)}" '
                   f'font-size="{coord(LEAF_LAYER * s)}" font-weight="bold">{xml_text(text)}</text>')
    return out


def _name_label(v: SphereView, c: Circle, label: Label, frame: Frame) -> list[str]:
    s = frame.scale
    cx = coord(frame.ox + c.x * s)
    top = frame.oy + (c.y - c.r + c.label_top) * s
    if v.sphere.children:
        name_y = coord(top + PARENT_NAME * s * 0.95)
        layer_y = coord(top + (PARENT_NAME * LINE + PARENT_LAYER * 0.95) * s)
        return [f'<text x="{cx}" y="{name_y}" font-size="{coord(PARENT_NAME * s)}" font-weight="bold">'
                f"{xml_text(label.lines[0])}</text>",
                f'<text x="{cx}" y="{layer_y}" font-size="{coord(PARENT_LAYER * s)}" font-style="italic" '
                f'fill="#455a64">{xml_text(label.layer)}</text>']
    out = []
    for i, line in enumerate(label.lines):
        y = coord(top + (i * LINE + 0.95) * LEAF_NAME * s)
        out.append(f'<text x="{cx}" y="{y}" font-size="{coord(LEAF_NAME * s)}">{xml_text(line)}</text>')
    y = coord(top + (len(label.lines) * LEAF_NAME * LINE + 0.95 * LEAF_LAYER) * s)
    out.append(f'<text x="{cx}" y="{y}" font-size="{coord(LEAF_LAYER * s)}" font-style="italic" '
               f'fill="#455a64">{xml_text(label.layer)}</text>')
    return out


# ---------------------------------------------------------------- legend


def _gradient() -> str:
    stops = "".join(f'<stop offset="{coord(at * 100)}%" stop-color="{capacity_colour(at)}"/>'
                    for at, _ in CAPACITY_STOPS)
    return f'<defs><linearGradient id="capacity-scale" x1="0" y1="0" x2="1" y2="0">{stops}</linearGradient></defs>'


@attrs.define
class _Legend:
    """Legend rows drawn top-down; positions are relative until ``place``."""

    parts: list[str] = attrs.field(factory=list)
    height: float = 0.0

    def text(self, text: str, size: float = 11.0, bold: bool = False, colour: str = "#1a1a1a") -> None:
        for line in _wrap(text, size, LEGEND_WIDTH):
            self.height += size * 1.35
            weight = ' font-weight="bold"' if bold else ""
            self.parts.append(f'<text x="0.00" y="{coord(self.height - size * 0.3)}" font-size="{coord(size)}"'
                              f'{weight} fill="{colour}">{xml_text(line)}</text>')

    def gap(self, height: float = 8.0) -> None:
        self.height += height

    def place(self, x: float, y: float) -> list[str]:
        return [f'<g class="legend" transform="translate({coord(x)},{coord(y)})">', *self.parts, "</g>"]


def _wrap(text: str, size: float, room: float) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and text_width(lines[-1] + " " + word, size) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _legend(view: View) -> _Legend:
    legend = _Legend()
    legend.text("Fill: effective capacity", 12.0, bold=True)
    legend.gap(4)
    bar = legend.height
    legend.parts.append(f'<rect x="0.00" y="{coord(bar)}" width="180.00" height="12.00" '
                        'fill="url(#capacity-scale)" stroke="#78909c" stroke-width="0.5"/>')
    for at, _ in CAPACITY_STOPS:
        legend.parts.append(f'<text x="{coord(at * 180)}" y="{coord(bar + 24)}" font-size="9" '
                            f'text-anchor="middle" fill="#455a64">{at:g}</text>')
    legend.gap(32)
    legend.parts.append(f'<rect x="0.00" y="{coord(legend.height)}" width="18.00" height="12.00" '
                        f'fill="{NO_FIGURE_FILL}" fill-opacity="{NO_FIGURE_OPACITY}" stroke="#78909c" '
                        'stroke-width="0.5"/>')
    legend.parts.append(f'<text x="24.00" y="{coord(legend.height + 10)}" font-size="11" fill="#1a1a1a">'
                        "no figure (shaded by depth)</text>")
    legend.gap(26)
    _corridor_legend(legend, view)
    _outline_legend(legend, view)
    legend.gap(10)
    counts = severity_counts([d for v in view.spheres for d in v.diagnostics] + list(view.unattached))
    legend.text(", ".join(f"{n} {sev.label}{'' if n == 1 else 's'}" for sev, n in counts.items()), 11.0)
    if view.unattached:
        legend.text(f"{len(view.unattached)} of them about no sphere shown here", 10.0, colour="#546e7a")
    legend.gap(6)
    legend.text("Hover a sphere for its path, layer, figures and diagnostics.", 10.0, colour="#546e7a")
    return legend


def _corridor_legend(legend: _Legend, view: View) -> None:
    """What the inner ring and the violet outline mean, when the picture has them."""
    held = sum(1 for v in view.spheres if v.held)
    binders = [v for v in view.spheres if v.binds]
    if not held and not binders:
        return
    if held:
        legend.parts.append(f'<circle cx="9.00" cy="{coord(legend.height + 6)}" r="7.00" fill="{capacity_colour(0.2)}" '
                            f'stroke="#90a4ae" stroke-width="0.5"/><circle cx="9.00" cy="{coord(legend.height + 6)}" '
                            f'r="5.00" fill="none" stroke="{capacity_colour(0.9)}" stroke-width="2.5"/>')
        legend.parts.append(f'<text x="24.00" y="{coord(legend.height + 10)}" font-size="11" fill="#1a1a1a">'
                            f"ring: own capacity, held ({held})</text>")
        legend.gap(20)
    if binders:
        legend.parts.append(f'<circle cx="9.00" cy="{coord(legend.height + 6)}" r="7.00" fill="none" '
                            f'stroke="{BINDING_COLOUR}" stroke-width="2" stroke-dasharray="6 3"/>')
        legend.parts.append(f'<text x="24.00" y="{coord(legend.height + 10)}" font-size="11" fill="#1a1a1a">'
                            f"violet dashes: binds others ({len(binders)})</text>")
        legend.gap(20)
    legend.gap(6)


def _outline_legend(legend: _Legend, view: View) -> None:
    legend.text("Outline: worst diagnostic", 12.0, bold=True)
    legend.gap(4)
    spheres = {key: 0 for key in OUTLINE_ORDER}
    for v in view.spheres:
        spheres[v.worst] += 1
    for key in OUTLINE_ORDER:
        o = OUTLINES[key]
        dash = f' stroke-dasharray="{o.dash}"' if o.dash else ""
        y = legend.height + 10
        legend.parts.append(f'<circle cx="9.00" cy="{coord(y)}" r="8.00" fill="#ffffff" stroke="{o.colour}" '
                            f'stroke-width="{o.width:.1f}"{dash}/>')
        noun = "sphere" if spheres[key] == 1 else "spheres"
        legend.parts.append(f'<text x="24.00" y="{coord(y + 4)}" font-size="11" fill="#1a1a1a">'
                            f"{o.label} ({spheres[key]} {noun})</text>")
        legend.gap(22)
