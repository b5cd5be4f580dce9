"""spherelang.visual: the circle packing, the SVG picture, the DOT graph and the
HTML report (issue 6).

Run ``pytest --update-golden`` after a deliberate change of the picture and
review the diff of tests/golden/visual/.
"""

from __future__ import annotations

import hashlib
import html
import math
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spherelang
from spherelang.model import Model
from spherelang.visual import layout_tree, pack_siblings, render_dot, render_html, render_svg
from spherelang.visual.dot import quote
from spherelang.visual.text import wrap_name

from .support import examples

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).parent / "golden" / "visual"
SVG_NS = "{http://www.w3.org/2000/svg}"

SCENARIO_MODEL = """\
model "Customs <frame> & \\"friends\\""
sphere Nation : political "The <nation> & its \\"state\\" \\\\ \x01" {
  channel elections strength 0.6
  indicator rule_of_law = 121 of 209
  power tax
  resource revenue = 100 USD
  responsibility collection requires tax, revenue 40 USD
  sphere Customs : operational {
    indicator clearance = 2 in 0..10 lower_is_better
    power tax
    resource share = 50 USD from Nation.revenue
    responsibility clearing requires tax
  }
  sphere Минфин : body "Министерство <финансов>" {
    power tax
    resource part = 10 USD from Nation.revenue
    responsibility spend requires tax, part
  }
}
scenario fund "Fund customs" {
  in Nation.Customs { responsibility clearing requires tax, share }
  in Nation { channel elections strength 0.1 }
}
"""


# ---------------------------------------------------------------- helpers


def _load_text(tmp: Path, text: str, name: str = "m.sphere") -> Model:
    (tmp / "sphere.toml").write_text("")
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return spherelang.load(path)


@pytest.fixture
def scenario_model(tmp_path: Path) -> Model:
    return _load_text(tmp_path, SCENARIO_MODEL)


@pytest.fixture(scope="module")
def kazakhstan() -> Model:
    return spherelang.load(EXAMPLES / "kazakhstan.sphere")


def _inside(child: tuple[float, float, float], parent: tuple[float, float, float], eps: float) -> bool:
    (x, y, r), (px, py, pr) = child, parent
    return math.hypot(x - px, y - py) + r <= pr + eps


def _apart(a: tuple[float, float, float], b: tuple[float, float, float], eps: float) -> bool:
    return math.hypot(a[0] - b[0], a[1] - b[1]) >= a[2] + b[2] - eps


def _assert_nested(parents: list[int | None], circles: list[tuple[float, float, float]], eps: float) -> None:
    """Every child inside its parent; siblings (roots included) never overlap."""
    groups: dict[int | None, list[int]] = {}
    for i, p in enumerate(parents):
        groups.setdefault(p, []).append(i)
        if p is not None:
            assert _inside(circles[i], circles[p], eps), (i, p, circles[i], circles[p])
    for members in groups.values():
        for j, a in enumerate(members):
            for b in members[j + 1:]:
                assert _apart(circles[a], circles[b], eps), (a, b, circles[a], circles[b])


def _svg_circles(svg: str) -> dict[str, tuple[float, float, float]]:
    """Sphere circles by path (the first line of each circle's title)."""
    root = ET.fromstring(svg)
    out: dict[str, tuple[float, float, float]] = {}
    for circle in root.iter(SVG_NS + "circle"):
        title = circle.find(SVG_NS + "title")
        if title is not None and title.text:
            out[title.text.split("\n", 1)[0]] = (float(circle.get("cx", "")), float(circle.get("cy", "")),
                                                 float(circle.get("r", "")))
    return out


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})


class _Balance(HTMLParser):
    """Checks that every element opened is closed, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]} at {self.getpos()}")
        else:
            self.stack.pop()


def _assert_balanced_html(text: str) -> _Balance:
    assert text.startswith("<!DOCTYPE html>")
    parser = _Balance()
    parser.feed(text)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    return parser


# ---------------------------------------------------------------- packing

_labels = st.tuples(st.floats(0, 300), st.sampled_from([0.0, 14.4, 26.4, 50.0]))


@st.composite
def _forests(draw: st.DrawFn) -> tuple[list[int | None], list[tuple[float, float]]]:
    n = draw(st.integers(1, 60))
    parents: list[int | None] = [None]
    for i in range(1, n):
        parents.append(draw(st.one_of(st.none(), st.integers(0, i - 1)) if i % 7 == 0 else st.integers(0, i - 1)))
    return parents, draw(st.lists(_labels, min_size=n, max_size=n))


@settings(max_examples=examples(1.25))
@given(_forests())
def test_layout_nests_children_and_separates_siblings(forest: tuple[list[int | None], list[tuple[float, float]]]
                                                      ) -> None:
    parents, labels = forest
    layout = layout_tree(parents, labels)
    circles = [(c.x, c.y, c.r) for c in layout.circles]
    _assert_nested(parents, circles, 1e-6 * layout.radius + 1e-9)
    for i, p in enumerate(parents):
        if p is None:
            assert _inside(circles[i], (0.0, 0.0, layout.radius), 1e-6 * layout.radius)


@settings(max_examples=examples(1.25))
@given(st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=80))
def test_pack_siblings_never_overlap_and_fit_their_enclosure(radii: list[float]) -> None:
    centres, outer = pack_siblings(radii)
    circles = [(x, y, r) for (x, y), r in zip(centres, radii, strict=True)]
    eps = 1e-6 * outer
    assert all(_inside(c, (0.0, 0.0, outer), eps) for c in circles)
    assert all(_apart(a, b, eps) for i, a in enumerate(circles) for b in circles[i + 1:])


def test_layout_rejects_a_parent_after_its_child() -> None:
    with pytest.raises(ValueError):
        layout_tree([1, None], [(0.0, 0.0), (0.0, 0.0)])


def test_a_parent_leaves_its_label_band_free() -> None:
    layout = layout_tree([None, 0, 0], [(120.0, 26.4), (40.0, 14.4), (40.0, 14.4)])
    parent = layout.circles[0]
    band_bottom = parent.y - parent.r + parent.label_top + 26.4
    for child in layout.circles[1:]:
        assert child.y - child.r >= band_bottom - 1e-9


def test_wrap_name_keeps_every_character() -> None:
    for name in ("MinistryOfDigitalDevelopment", "akimat_Almaty", "Минфин", "PresidentialAdministration"):
        assert "".join(wrap_name(name)) == name
    assert wrap_name("PresidentialAdministration") == ["Presidential", "Administration"]


# ---------------------------------------------------------------- the SVG through the whole pipeline

_NAMES = ("Alpha", "Beta", "Gamma", "Сфера", "akimat_X", "Ministry_Of_Long_Names_And_More")
_LAYERS = ("political", "administrative", "operational", "body")


@st.composite
def _sphere_files(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A random model as ``.sphere`` text, and its sphere paths in pre-order."""
    n = draw(st.integers(1, 30))
    parents: list[int | None] = [None]
    for i in range(1, n):
        parents.append(draw(st.one_of(st.none(), st.integers(0, i - 1)) if i % 5 == 0 else st.integers(0, i - 1)))
    kids: dict[int, list[int]] = {i: [] for i in range(n)}
    for i, p in enumerate(parents):
        if p is not None:
            kids[p].append(i)
    lines, paths = [], []
    stack: list[tuple[int, str, bool]] = [(i, "", False) for i in reversed(range(n)) if parents[i] is None]
    while stack:
        i, prefix, closing = stack.pop()
        if closing:
            lines.append("}")
            continue
        name = f"{_NAMES[i % len(_NAMES)]}{i}"
        path = f"{prefix}.{name}" if prefix else name
        paths.append(path)
        layer = _LAYERS[draw(st.integers(0, 3))]
        lines.append(f'sphere {name} : {layer} "t<{i}>&\\"" {{')
        if draw(st.booleans()):
            lines.append(f"  indicator x = {draw(st.integers(1, 9))} of 10")
        stack.append((i, path, True))
        stack.extend((k, path, False) for k in reversed(kids[i]))
    return "\n".join(lines) + "\n", paths


@settings(max_examples=examples(0.6), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_sphere_files())
def test_svg_of_random_models_nests_circles(tmp_path: Path, case: tuple[str, list[str]]) -> None:
    text, paths = case
    model = _load_text(tmp_path, text)
    report = spherelang.check(model)
    svg = render_svg(model, spherelang.evaluate(model), report.violations)
    circles = _svg_circles(svg)
    assert list(circles) == paths
    index = {p: i for i, p in enumerate(paths)}
    parents = [index.get(p.rpartition(".")[0]) for p in paths]
    # Two-decimal rounding moves each value by at most 0.005.
    _assert_nested(parents, [circles[p] for p in paths], 0.02)


# ---------------------------------------------------------------- well-formed, complete, escaped


def test_svg_is_well_formed_and_escapes_text(scenario_model: Model) -> None:
    report = spherelang.check(scenario_model)
    svg = render_svg(scenario_model, spherelang.evaluate(scenario_model), report.violations)
    root = ET.fromstring(svg)
    assert root.tag == SVG_NS + "svg"
    titles = [t.text or "" for t in root.iter(SVG_NS + "title")]
    assert any('The <nation> & its "state" \\ \ufffd' in t for t in titles)  # escaped, control char replaced
    assert "\x01" not in svg
    circles = _svg_circles(svg)
    assert set(circles) == {s.path for s in scenario_model.spheres}
    for d in report.violations:
        assert any(d.code in t and d.message in t for t in titles if t.startswith(d.sphere or "\0"))
    assert "Минфин" in svg
    # Outlines show the worst diagnostic: Customs has errors (BAL003), Минфин none.
    customs = next(c for c in root.iter(SVG_NS + "circle") if (c.findtext(SVG_NS + "title") or "")
                   .startswith("Nation.Customs\n"))
    assert customs.get("stroke") == "#c62828"


def test_svg_titles_show_all_five_figures(kazakhstan: Model) -> None:
    svg = render_svg(kazakhstan, spherelang.evaluate(kazakhstan))
    gov = next(t.text or "" for t in ET.fromstring(svg).iter(SVG_NS + "title")
               if (t.text or "").startswith("Kazakhstan.Government\n"))
    assert "layer: administrative" in gov
    figures = ("capacity 0.510", "ceiling 0.473", "effective 0.473", "headroom -0.037", "elasticity \u2014")
    assert " \u00b7 ".join(figures) in gov


def test_svg_with_a_scenario_shows_its_figures_and_the_baseline(kazakhstan: Model) -> None:
    evaluation = spherelang.evaluate(kazakhstan, "political_reform")
    svg = render_svg(kazakhstan, evaluation)  # the baseline model: the scenario is applied for the picture
    assert svg == render_svg(spherelang.evaluator.apply_scenario(kazakhstan, "political_reform"), evaluation)
    titles = [t.text or "" for t in ET.fromstring(svg).iter(SVG_NS + "title")]
    root = next(t for t in titles if t.startswith("Kazakhstan\n"))
    assert "scenario 'political_reform'" in root
    assert "capacity 0.655 (baseline 0.473)" in root and "elasticity 0.562 (baseline 0.325)" in root
    assert "scenario 'political_reform'" in titles[0]  # the document's title


def test_html_is_balanced_self_contained_and_complete(scenario_model: Model) -> None:
    report = spherelang.check(scenario_model)
    page = render_html(scenario_model, report, spherelang.evaluate(scenario_model))
    parser = _assert_balanced_html(page)
    assert not parser.tags & {"script", "link", "img", "iframe", "object"}
    assert "src=" not in page and "url(http" not in page
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for d in report.violations:
        for part in (d.code, d.severity.label, d.message, d.hint or "", d.sphere or ""):
            assert html.escape(part) in page
        assert f"m.sphere:{d.span.line}:{d.span.column}" in page
    for s in scenario_model.spheres:
        assert html.escape(s.path) in page
    assert "<nation>" not in page and "&lt;nation&gt;" in page
    assert "\x01" not in page


def test_html_with_a_scenario_lists_fixed_and_introduced(scenario_model: Model) -> None:
    evaluation = spherelang.evaluate(scenario_model, "fund")
    page = render_html(scenario_model, spherelang.check(scenario_model, scenario="fund"), evaluation)
    _assert_balanced_html(page)
    fixed = page[page.index('id="fixed"'):page.index('id="introduced"')]
    introduced = page[page.index('id="introduced"'):]
    assert {d.code for d in evaluation.fixed} == {"BAL003", "BAL004"}
    assert all(html.escape(d.message) in fixed for d in evaluation.fixed)
    assert [d.code for d in evaluation.introduced] == ["ELA002"]
    assert html.escape(evaluation.introduced[0].message) in introduced
    assert "<th>baseline</th><th>scenario</th>" in page
    # Nation's elasticity, 0.6 -> 0.1, side by side and marked as changed.
    assert '<td class="num">0.600</td><td class="num changed">0.100</td>' in page


def test_html_lists_spheres_a_scenario_removes(tmp_path: Path) -> None:
    model = _load_text(tmp_path, "sphere A : political {\n  sphere B : body {\n  }\n}\n"
                                 "scenario cut { remove A.B }\n")
    page = render_html(model, None, spherelang.evaluate(model, "cut"))
    _assert_balanced_html(page)
    assert "Spheres removed (1)" in page and "<li>A.B</li>" in page


def test_a_model_with_a_syntax_error_still_renders(tmp_path: Path) -> None:
    model = _load_text(tmp_path, "sphere A : political {\n  power\n}\n")
    report = spherelang.check(model)
    evaluation = spherelang.evaluate(model)
    assert model.spheres == () and [d.code for d in report.violations] == ["SPH001"]
    ET.fromstring(render_svg(model, evaluation, report.violations))
    assert "digraph spheres {" in render_dot(model, evaluation)
    page = render_html(model, report, evaluation)
    _assert_balanced_html(page)
    assert "SPH001" in page and "m.sphere:2:" in page


def test_every_example_renders_well_formed() -> None:
    for path in sorted(EXAMPLES.glob("*.sphere")):
        model = spherelang.load(path)
        evaluation = spherelang.evaluate(model)
        ET.fromstring(render_svg(model, evaluation))
        _assert_balanced_html(render_html(model, spherelang.check(model), evaluation))


# ---------------------------------------------------------------- DOT


def test_dot_quotes_and_escapes() -> None:
    assert quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert quote("x\x01y") == '"x\ufffdy"'


def test_dot_nests_clusters(scenario_model: Model) -> None:
    dot = render_dot(scenario_model, spherelang.evaluate(scenario_model))
    lines = dot.splitlines()
    assert lines[0].startswith("// ") and lines[1] == "digraph spheres {" and lines[-1] == "}"
    parents = [s for s in scenario_model.spheres if s.children]
    leaves = [s for s in scenario_model.spheres if not s.children]
    assert [ln.strip() for ln in lines if "subgraph" in ln] == [f"subgraph cluster_{s.index} {{" for s in parents]
    nodes = [m.group(1) for m in (re.match(r"\s*(s\d+) \[", ln) for ln in lines) if m]
    assert sorted(nodes) == sorted(f"s{s.index}" for s in leaves)
    # Braces balance outside quoted strings; every label and tooltip is quoted.
    unquoted = "".join(part for k, part in enumerate(_split_quoted(dot)) if k % 2 == 0)
    assert unquoted.count("{") == unquoted.count("}") == 1 + len(parents)
    assert "label=Nation" not in dot and 'label="Nation\\n(political)' in dot
    assert '\\"state\\"' in dot  # the title's quotes, in a tooltip


def _split_quoted(text: str) -> list[str]:
    """``text`` cut at the quotes of DOT strings (escaped quotes stay inside)."""
    parts, current, inside, i = [], "", False, 0
    while i < len(text):
        ch = text[i]
        if inside and ch == "\\":
            current += text[i:i + 2]
            i += 2
            continue
        if ch == '"':
            parts.append(current)
            current, inside = "", not inside
        else:
            current += ch
        i += 1
    parts.append(current)
    return parts


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_accepts_the_dot(kazakhstan: Model) -> None:
    dot = render_dot(kazakhstan, spherelang.evaluate(kazakhstan, "political_reform"))
    result = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Kazakhstan" in result.stdout


# ---------------------------------------------------------------- determinism, depth, goldens


_HASH_SCRIPT = """
import hashlib, sys, spherelang
from spherelang.visual import render_dot, render_html, render_svg
m = spherelang.load(sys.argv[1])
e = spherelang.evaluate(m, "political_reform")
r = spherelang.check(m, scenario="political_reform")
for text in (render_svg(m, e, r.violations), render_dot(m, e), render_html(m, r, e)):
    print(hashlib.sha256(text.encode()).hexdigest())
"""


def test_output_is_byte_identical_across_runs_and_hash_seeds(kazakhstan: Model) -> None:
    e = spherelang.evaluate(kazakhstan, "political_reform")
    r = spherelang.check(kazakhstan, scenario="political_reform")
    texts = (render_svg(kazakhstan, e, r.violations), render_dot(kazakhstan, e), render_html(kazakhstan, r, e))
    assert texts == (render_svg(kazakhstan, e, r.violations), render_dot(kazakhstan, e),
                     render_html(kazakhstan, r, e))
    here = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    for seed in ("1", "4242"):
        result = subprocess.run([sys.executable, "-c", _HASH_SCRIPT, str(EXAMPLES / "kazakhstan.sphere")],
                                env={**os.environ, "PYTHONHASHSEED": seed}, cwd=os.getcwd(),
                                capture_output=True, text=True, check=True)
        assert result.stdout.split() == here


def test_a_chain_1000_deep_renders(tmp_path: Path) -> None:
    depth = 1000
    text = "".join(f"sphere S{i} : body {{\n" for i in range(depth)) + "}\n" * depth
    model = _load_text(tmp_path, text)
    assert max(s.depth for s in model.spheres) == depth - 1
    report = spherelang.check(model)
    evaluation = spherelang.evaluate(model)
    svg = render_svg(model, evaluation, report.violations)
    circles = [c for c in ET.fromstring(svg).iter(SVG_NS + "circle") if c.find(SVG_NS + "title") is not None]
    assert len(circles) == depth
    dot = render_dot(model, evaluation)
    assert dot.count("subgraph cluster_") == depth - 1 and dot.rstrip().endswith("}")
    _assert_balanced_html(render_html(model, report, evaluation))


def test_sizes_stay_sane(kazakhstan: Model) -> None:
    root = ET.fromstring(render_svg(kazakhstan))
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    assert 400 < width < 3000 and 300 < height < 3000
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"


@pytest.mark.parametrize("fmt", ["svg", "dot"])
def test_golden_picture(fmt: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    model = spherelang.load("frame.sphere")
    evaluation = spherelang.evaluate(model)
    render = render_svg if fmt == "svg" else render_dot
    out = render(model, evaluation)
    expected = GOLDEN / f"frame.sphere.{fmt}"
    if update_golden or not expected.exists():
        expected.write_text(out, encoding="utf-8")
    assert out == expected.read_text(encoding="utf-8")


def test_png_rendering_when_cairosvg_is_installed(kazakhstan: Model) -> None:
    cairosvg = pytest.importorskip("cairosvg")
    png = cairosvg.svg2png(bytestring=render_svg(kazakhstan).encode())
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


PARADOX = """\
sphere Nation : political {
  channel elections strength 0.6
  capacity 0.4
  sphere Customs : operational {
    capacity 0.9
  }
  sphere Post : operational {
    capacity 0.3
  }
}
"""


def test_the_picture_shows_own_capacity_against_effective_and_the_binder(tmp_path: Path) -> None:
    """The article's paradox visible: a held sphere (own 0.9, effective 0.4) gets
    an inner ring in its own capacity's colour; the binding sphere a violet
    dashed outline; a sphere within its corridor neither."""
    path = tmp_path / "m.sphere"
    path.write_text(PARADOX)
    model = spherelang.load(path)
    svg = render_svg(model, spherelang.evaluate(model))
    root = ET.fromstring(svg)
    rings = [c for c in root.iter(SVG_NS + "circle") if c.get("class") == "own-capacity"]
    binders = [c for c in root.iter(SVG_NS + "circle") if c.get("class") == "binding"]
    assert len(rings) == 1 and len(binders) == 1  # Customs is held; Nation binds; Post is not held
    customs = _svg_circles(svg)["Nation.Customs"]
    assert (float(rings[0].get("cx", "")), float(rings[0].get("cy", ""))) == customs[:2]
    assert float(rings[0].get("r", "")) < customs[2]
    assert "ring: own capacity, held (1)" in svg and "violet dashes: binds others (1)" in svg
    labelled = render_svg(model, spherelang.evaluate(model), labels="figures")
    assert "0.90 \u2192 0.40" in labelled and "0.90 \u2192" not in svg
