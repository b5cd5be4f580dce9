"""Deterministic circle packing for nested spheres.

Each sphere is a circle inside its parent's circle; siblings are packed without
overlap by the front-chain algorithm of Wang et al. (2006), as in d3-hierarchy,
and then enclosed by their smallest enclosing circle (Welzl's algorithm, also
after d3). Everything here is iterative: a model may nest 1,000 spheres deep,
and recursion would hand the input control of the Python stack.

Units are "layout units": the label boxes passed in are measured in them, so a
leaf is as big as its label needs and a parent leaves a band at its top where
its own label fits. The renderer scales the whole picture afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

#: Gap between the circle enclosing a sphere's children and its own outline.
PADDING = 6.0
#: Gap between a parent's label and the circles below it.
LABEL_GAP = 3.0
#: Least distance from a parent's outline to the top of its label.
LABEL_TOP = 8.0
#: Room around a label, horizontally, inside its circle.
LABEL_SIDE = 3.0
#: Room around a leaf's label.
LEAF_PADDING = 4.0
#: The smallest leaf, so that a sphere without a label is still visible.
MIN_LEAF = 10.0


@attrs.frozen(slots=True)
class Circle:
    """A placed circle; ``label_top`` is how far below the circle's top its
    label box starts (a parent's label sits in a band at its top, a leaf's in
    the middle)."""

    x: float
    y: float
    r: float
    label_top: float = 0.0


@attrs.frozen(slots=True)
class Layout:
    """Circles in the order of the input nodes, around the origin; ``radius``
    encloses them all (the roots are packed as siblings)."""

    circles: tuple[Circle, ...]
    radius: float


class _Disc:
    """A mutable circle while packing (attrs slots would cost more here)."""

    __slots__ = ("next", "prev", "r", "x", "y")

    def __init__(self, r: float, x: float = 0.0, y: float = 0.0) -> None:
        self.x = x
        self.y = y
        self.r = r
        self.next: _Disc = self
        self.prev: _Disc = self


# ---------------------------------------------------------------- siblings


def _place(b: _Disc, a: _Disc, c: _Disc) -> None:
    """Put ``c`` tangent to both ``a`` and ``b``, on the outer side of a -> b."""
    dx, dy = b.x - a.x, b.y - a.y
    d2 = dx * dx + dy * dy
    if not d2:
        c.x, c.y = a.x + c.r, a.y
        return
    a2 = (a.r + c.r) ** 2
    b2 = (b.r + c.r) ** 2
    if a2 > b2:
        x = (d2 + b2 - a2) / (2 * d2)
        y = math.sqrt(max(0.0, b2 / d2 - x * x))
        c.x, c.y = b.x - x * dx - y * dy, b.y - x * dy + y * dx
    else:
        x = (d2 + a2 - b2) / (2 * d2)
        y = math.sqrt(max(0.0, a2 / d2 - x * x))
        c.x, c.y = a.x + x * dx - y * dy, a.y + x * dy + y * dx


def _intersects(a: _Disc, b: _Disc) -> bool:
    dr = a.r + b.r - 1e-6
    dx, dy = b.x - a.x, b.y - a.y
    return dr > 0 and dr * dr > dx * dx + dy * dy


def _score(node: _Disc) -> float:
    """Squared distance from the origin of the weighted midpoint of node -> next."""
    a, b = node, node.next
    ab = a.r + b.r
    dx = (a.x * b.r + b.x * a.r) / ab
    dy = (a.y * b.r + b.y * a.r) / ab
    return dx * dx + dy * dy


def _front_chain(discs: list[_Disc]) -> None:
    """Place ``discs`` (at least three) around the origin without overlap."""
    a, b, c = discs[0], discs[1], discs[2]
    a.x, b.x, b.y = -b.r, a.r, 0.0
    a.y = 0.0
    _place(b, a, c)
    a.next = c.prev = b
    b.next = a.prev = c
    c.next = b.prev = a
    i = 3
    while i < len(discs):
        c = discs[i]
        _place(a, b, c)
        # Look for the nearest chain disc (along the chain) that c would overlap;
        # if there is one, drop the stretch of chain up to it and try again.
        j, k, sj, sk = b.next, a.prev, b.r, a.r
        retry = False
        while True:
            if sj <= sk:
                if _intersects(j, c):
                    b = j
                    a.next, b.prev = b, a
                    retry = True
                    break
                sj, j = sj + j.r, j.next
            else:
                if _intersects(k, c):
                    a = k
                    a.next, b.prev = b, a
                    retry = True
                    break
                sk, k = sk + k.r, k.prev
            if j is k.next:
                break
        if retry:
            continue
        c.prev, c.next = a, b
        a.next = b.prev = c
        b = c
        # The next pair to build on is the one nearest the centre: keeps it round.
        best, best_score = a, _score(a)
        node = c.next
        while node is not b:
            value = _score(node)
            if value < best_score:
                best, best_score = node, value
            node = node.next
        a, b = best, best.next
        i += 1


def pack_siblings(radii: Sequence[float]) -> tuple[list[tuple[float, float]], float]:
    """Centres for circles of ``radii`` packed without overlap, relative to the
    centre of their enclosing circle, and that circle's radius."""
    discs = [_Disc(r) for r in radii]
    if not discs:
        return [], 0.0
    if len(discs) == 1:
        return [(0.0, 0.0)], discs[0].r
    if len(discs) == 2:
        discs[0].x, discs[1].x = -discs[1].r, discs[0].r
    else:
        _front_chain(discs)
    cx, cy, radius = enclose([(d.x, d.y, d.r) for d in discs])
    return [(d.x - cx, d.y - cy) for d in discs], radius


# ---------------------------------------------------------------- enclosing

Triple = tuple[float, float, float]


class _Degenerate(Exception):
    """Welzl's basis could not be extended (only with degenerate floats)."""


def _encloses_not(a: Triple, b: Triple) -> bool:
    dr = a[2] - b[2]
    dx, dy = b[0] - a[0], b[1] - a[1]
    return dr < 0 or dr * dr < dx * dx + dy * dy


def _encloses_weak(a: Triple, b: Triple) -> bool:
    dr = a[2] - b[2] + max(a[2], b[2], 1.0) * 1e-9
    dx, dy = b[0] - a[0], b[1] - a[1]
    return dr > 0 and dr * dr > dx * dx + dy * dy


def _encloses_all(a: Triple, basis: Sequence[Triple]) -> bool:
    return all(_encloses_weak(a, b) for b in basis)


def _basis2(a: Triple, b: Triple) -> Triple:
    x1, y1, r1 = a
    x2, y2, r2 = b
    x21, y21, r21 = x2 - x1, y2 - y1, r2 - r1
    length = math.sqrt(x21 * x21 + y21 * y21)
    if length == 0:
        return (x1, y1, max(r1, r2))
    return ((x1 + x2 + x21 / length * r21) / 2, (y1 + y2 + y21 / length * r21) / 2, (length + r1 + r2) / 2)


def _basis3(a: Triple, b: Triple, c: Triple) -> Triple:
    x1, y1, r1 = a
    x2, y2, r2 = b
    x3, y3, r3 = c
    a2, a3, b2, b3 = x1 - x2, x1 - x3, y1 - y2, y1 - y3
    c2, c3 = r2 - r1, r3 - r1
    d1 = x1 * x1 + y1 * y1 - r1 * r1
    d2 = d1 - x2 * x2 - y2 * y2 + r2 * r2
    d3 = d1 - x3 * x3 - y3 * y3 + r3 * r3
    ab = a3 * b2 - a2 * b3
    if ab == 0:
        raise _Degenerate
    xa = (b2 * d3 - b3 * d2) / (ab * 2) - x1
    xb = (b3 * c2 - b2 * c3) / ab
    ya = (a3 * d2 - a2 * d3) / (ab * 2) - y1
    yb = (a2 * c3 - a3 * c2) / ab
    qa = xb * xb + yb * yb - 1
    qb = 2 * (r1 + xa * xb + ya * yb)
    qc = xa * xa + ya * ya - r1 * r1
    if abs(qa) > 1e-6:
        r = -(qb + math.sqrt(max(0.0, qb * qb - 4 * qa * qc))) / (2 * qa)
    elif qb != 0:
        r = -qc / qb
    else:
        raise _Degenerate
    return (x1 + xa + xb * r, y1 + ya + yb * r, r)


def _basis(basis: Sequence[Triple]) -> Triple:
    if len(basis) == 1:
        return basis[0]
    if len(basis) == 2:
        return _basis2(basis[0], basis[1])
    return _basis3(basis[0], basis[1], basis[2])


def _extend(basis: list[Triple], p: Triple) -> list[Triple]:
    if _encloses_all(p, basis):
        return [p]
    for b in basis:
        if _encloses_not(p, b) and _encloses_all(_basis2(b, p), basis):
            return [b, p]
    for i in range(len(basis) - 1):
        for j in range(i + 1, len(basis)):
            bi, bj = basis[i], basis[j]
            if (_encloses_not(_basis2(bi, bj), p) and _encloses_not(_basis2(bi, p), bj)
                    and _encloses_not(_basis2(bj, p), bi) and _encloses_all(_basis3(bi, bj, p), basis)):
                return [bi, bj, p]
    raise _Degenerate


def _shuffled(items: Sequence[Triple]) -> list[Triple]:
    """A fixed pseudo-random order (Welzl needs one for its expected linear
    time; a seeded LCG keeps the output the same on every run)."""
    out = list(items)
    state = 1
    m = len(out)
    while m:
        state = (1664525 * state + 1013904223) % 4294967296
        i = int(state / 4294967296 * m)
        m -= 1
        out[m], out[i] = out[i], out[m]
    return out


def enclose(circles: Sequence[Triple]) -> Triple:
    """The smallest circle (x, y, r) enclosing all ``circles``, never smaller
    than one that truly encloses them (rounding is corrected afterwards)."""
    items = _shuffled(circles)
    try:
        e = _welzl(items)
    except (_Degenerate, ValueError, ZeroDivisionError):
        e = _centroid_circle(items)
    # Welzl's tests are tolerant; grow the answer so containment is exact.
    r = max(e[2], max(math.hypot(x - e[0], y - e[1]) + cr for x, y, cr in items))
    return (e[0], e[1], r)


def _welzl(items: list[Triple]) -> Triple:
    basis: list[Triple] = []
    e: Triple | None = None
    i = 0
    while i < len(items):
        p = items[i]
        if e is not None and _encloses_weak(e, p):
            i += 1
        else:
            basis = _extend(basis, p)
            e = _basis(basis)
            i = 0
    assert e is not None
    return e


def _centroid_circle(items: Sequence[Triple]) -> Triple:
    x = sum(c[0] for c in items) / len(items)
    y = sum(c[1] for c in items) / len(items)
    return (x, y, max(math.hypot(cx - x, cy - y) + r for cx, cy, r in items))


# ---------------------------------------------------------------- the tree


def _frame(inner: float, width: float, height: float) -> tuple[float, float, float]:
    """Radius of a parent whose children fit in a circle of radius ``inner``,
    how far down to shift them, and where its label box starts below its top.

    The label (width x height) goes in a band at the top: the children move
    down by ``shift`` to open the band, and the label goes low enough that the
    circle's chord there is wide enough for it. Both constraints bound the
    radius; ``top`` is chosen where they balance (the smallest radius).
    """
    if width <= 0 or height <= 0:
        return inner + PADDING, 0.0, 0.0
    half = width / 2 + LABEL_SIDE
    top = half * half / (2 * inner + PADDING + height + LABEL_GAP)
    top = min(max(top, LABEL_TOP), max(half, LABEL_TOP))
    shift = max(0.0, (top + height + LABEL_GAP - PADDING) / 2)
    radius = max(inner + PADDING + shift, (half * half + top * top) / (2 * top))
    return radius, shift, top


def _leaf(width: float, height: float) -> Circle:
    r = max(MIN_LEAF, math.hypot(width / 2, height / 2) + LEAF_PADDING)
    return Circle(0.0, 0.0, r, r - height / 2)


def layout_tree(parents: Sequence[int | None], labels: Sequence[tuple[float, float]]) -> Layout:
    """Pack a forest: ``parents[i]`` is the index of node i's parent (smaller
    than i, as in pre-order) or None for a root; ``labels[i]`` is the (width,
    height) of its label box. Roots are packed side by side around the origin.
    """
    n = len(parents)
    kids: list[list[int]] = [[] for _ in range(n)]
    roots: list[int] = []
    for i, p in enumerate(parents):
        if p is None:
            roots.append(i)
        elif not 0 <= p < i:
            raise ValueError(f"node {i}: parent {p} must come before it")
        else:
            kids[p].append(i)
    radius = [0.0] * n
    top = [0.0] * n
    local: list[tuple[float, float]] = [(0.0, 0.0)] * n
    # Children before parents: reverse index order is a post-order here.
    for i in range(n - 1, -1, -1):
        width, height = labels[i]
        if not kids[i]:
            leaf = _leaf(width, height)
            radius[i], top[i] = leaf.r, leaf.label_top
            continue
        offsets, inner = _pack(kids[i], radius)
        radius[i], shift, top[i] = _frame(inner, width, height)
        for k, (ox, oy) in zip(kids[i], offsets, strict=True):
            local[k] = (ox, oy + shift)
    offsets, outer = _pack(roots, radius)
    for k, offset in zip(roots, offsets, strict=True):
        local[k] = offset
    # Parents before children: absolute positions in index order.
    absolute: list[tuple[float, float]] = [(0.0, 0.0)] * n
    for i, p in enumerate(parents):
        ox, oy = local[i]
        if p is not None:
            px, py = absolute[p]
            ox, oy = ox + px, oy + py
        absolute[i] = (ox, oy)
    circles = tuple(Circle(x, y, radius[i], top[i]) for i, (x, y) in enumerate(absolute))
    return Layout(circles, outer)


def _pack(members: list[int], radius: list[float]) -> tuple[list[tuple[float, float]], float]:
    """Pack ``members`` largest first (a rounder, tighter result); ties keep
    their order so the answer never depends on anything but the input."""
    order = sorted(range(len(members)), key=lambda j: (-radius[members[j]], j))
    offsets, outer = pack_siblings([radius[members[j]] for j in order])
    placed: list[tuple[float, float]] = [(0.0, 0.0)] * len(members)
    for slot, j in enumerate(order):
        placed[j] = offsets[slot]
    return placed, outer
