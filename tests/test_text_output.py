"""The text formatter: related locations under the main snippet (rustc and
ruff style), and carets and table columns measured in display width."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spherelang.cli import main
from spherelang.diagnostics import Diagnostic, Related, Severity, Span
from spherelang.report.snippet import SourceCache
from spherelang.report.text import diagnostic
from spherelang.report.width import caret, shown, width

ALLOCATIONS = """\
sphere Nation : political {
  channel elections strength 0.6
  power tax
  resource revenue = 100 USD
  responsibility collection requires tax, revenue
  sphere Customs : administrative {
    power tax
    resource share = 60 USD from Nation.revenue
    responsibility clearing requires tax, share
  }
  sphere Treasury : administrative {
    power tax
    power tax
    resource share = 50 USD from Nation.revenue
    responsibility paying requires tax, share
  }
}
"""

ALLOCATIONS_OUT = """\
m.sphere:4:3: NEST003 [error] allocations from resource 'revenue' total 110 USD, more than its 100 USD
   |
 4 |   resource revenue = 100 USD
   |   ^^^^^^^^^^^^^^^^^^^^^^^^^^
   |
  ::: m.sphere:8:5
   |
 8 |     resource share = 60 USD from Nation.revenue
   |     ------------------------------------------- draws 60 USD
   |
  ::: m.sphere:14:5
   |
14 |     resource share = 50 USD from Nation.revenue
   |     ------------------------------------------- draws 50 USD
  = hint: raise the amount, or lower what the enclosed spheres draw

m.sphere:13:5: REF002 [error] duplicate name 'tax' in sphere 'Nation.Treasury'
   |
13 |     power tax
   |     ^^^^^^^^^
   |
  ::: m.sphere:12:5
   |
12 |     power tax
   |     --------- first declared here
  = hint: 'tax' is already declared as a power; powers, responsibilities, resources, indicators and channels share \
one namespace

Found 2 errors, 0 warnings and 0 infos in 1 file.
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    return int(info.value.code or 0), capsys.readouterr().out


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sphere.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def test_related_locations_are_quoted_under_the_main_snippet(project: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """NEST003's allocations and REF002's first declaration, each with its
    line, its own underline and what it shows there; one gutter per diagnostic."""
    (project / "m.sphere").write_text(ALLOCATIONS)
    status, out = run(["check", "--no-cache", "m.sphere"], capsys)
    assert status == 1
    assert out == ALLOCATIONS_OUT


def test_a_related_location_in_another_file_names_that_file(project: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    (project / "frame.sphere").write_text("sphere Nation : political {\n  channel c strength 0.6\n"
                                          "  resource revenue = 100 USD\n}\n")
    (project / "agency.sphere").write_text('import "frame.sphere"\n'
                                           "sphere Agency : body within Nation {\n"
                                           "  resource share = 150 USD from Nation.revenue\n}\n")
    _, out = run(["check", "--no-cache", "--select", "NEST003", "agency.sphere"], capsys)
    assert out.split("\n\n")[0] == """\
frame.sphere:3:3: NEST003 [error] allocations from resource 'revenue' total 150 USD, more than its 100 USD
  |
3 |   resource revenue = 100 USD
  |   ^^^^^^^^^^^^^^^^^^^^^^^^^^
  |
 ::: agency.sphere:3:3
  |
3 |   resource share = 150 USD from Nation.revenue
  |   -------------------------------------------- draws 150 USD
  = hint: raise the amount, or lower what the enclosed spheres draw"""


def test_many_related_locations_are_counted_beyond_five(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bodies = "".join(f"  sphere B{i} : body {{\n    resource share = 20 USD from Nation.revenue\n  }}\n"
                     for i in range(7))
    (project / "m.sphere").write_text("sphere Nation : political {\n  channel c strength 0.6\n"
                                      f"  resource revenue = 100 USD\n{bodies}}}\n")
    _, out = run(["check", "--no-cache", "--select", "NEST003", "m.sphere"], capsys)
    assert out.count(":::") == 5
    assert "  = note: and 2 more related locations (listed by --format json)" in out
    _, out = run(["check", "--no-cache", "--select", "NEST003", "--format", "json", "m.sphere"], capsys)
    (nest,) = json.loads(out)["violations"]
    assert [r["line"] for r in nest["related"]] == [5, 8, 11, 14, 17, 20, 23]
    assert nest["related"][0] == {"file": "m.sphere", "line": 5, "column": 5, "end_line": 5, "end_column": 48,
                                  "message": "draws 20 USD"}


def test_a_related_location_whose_line_cannot_be_read_is_named_without_a_snippet(tmp_path: Path) -> None:
    path = tmp_path / "m.sphere"
    path.write_text("power tax\n")
    d = Diagnostic("REF002", Severity.ERROR, "duplicate", Span(str(path), 1, 1, 1, 10),
                   related=(Related(Span(str(tmp_path / "gone.sphere"), 7, 3, 7, 9), "first declared here"),))
    lines = diagnostic(d, SourceCache()).split("\n")
    assert lines[-1].endswith("gone.sphere:7:3: first declared here")
    assert lines[-1].startswith(" ::: ")
    assert lines[1:4] == ["  |", "1 | power tax", "  | ^^^^^^^^^"]


def test_bare_spans_still_make_related_locations() -> None:
    """Code written when related locations were spans keeps working: a span
    becomes a related location without a note, and reads like one."""
    span = Span("m.sphere", 3, 1, 3, 5)
    d = Diagnostic("X1", Severity.ERROR, "m", Span("m.sphere", 1, 1, 1, 2), related=(span,))
    assert d.related == (Related(span, ""),)
    assert (d.related[0].line, d.related[0].column, d.related[0].file) == (3, 1, "m.sphere")


# ------------------------------------------------------------------ display width


def test_caret_under_cjk_names_counts_two_columns_per_character(project: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.sphere").write_text("sphere 国家 : political {\n  channel 選挙 strength 0.6\n"
                                      "  power 税 \"徴税\"\n}\n")
    _, out = run(["check", "--no-cache", "m.sphere"], capsys)
    assert out.split("\n\n")[0].split("\n")[1:4] == [
        "  |",
        '3 |   power 税 "徴税"',
        "  |   ^^^^^^^^^^^^^^^",  # 'power ' 6 + 税 2 + ' ' 1 + '"徴税"' 6 = 15 columns
    ]


def test_caret_after_wide_and_combining_characters_sits_under_its_token() -> None:
    # 'é' written as e + a combining acute accent takes one column for two code points
    text, starts = shown('power 財務 from "cafe\u0301" x')
    x = 'power 財務 from "cafe\u0301" x'.index("x") + 1
    offset, size = caret(text, starts, x, x + 1)
    assert (offset, size) == (width('power 財務 from "cafe\u0301" '), 1) == (23, 1)  # 6 + 4 + 6 + 6 + 1
    offset, size = caret(text, starts, 7, 9)  # 財務
    assert (offset, size) == (6, 4)


def test_tabs_expand_to_tab_stops_and_the_caret_follows() -> None:
    text, starts = shown("\tpower\ttax")
    assert text == "    power   tax"
    assert caret(text, starts, 8, 11) == (12, 3)  # 'tax' in code points 8..10
    # a tab after a wide character stops at the next multiple of four columns
    text, starts = shown("税\tx")
    assert text == "税  x" and caret(text, starts, 3, 4) == (4, 1)


def test_control_characters_are_escaped_and_the_caret_stays_aligned() -> None:
    text, starts = shown("a\x1bb c")
    assert text == "a\\x1bb c"
    assert caret(text, starts, 5, 6) == (7, 1)


def test_evaluation_table_aligns_cjk_names(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.sphere").write_text("sphere 国家 : political {\n  channel 選挙 strength 0.6\n  capacity 0.5\n"
                                      "  sphere 財務省 : administrative {\n    capacity 0.7\n  }\n"
                                      "  sphere Customs : administrative {\n    capacity 0.4\n  }\n}\n")
    _, out = run(["eval", "m.sphere"], capsys)
    header, *rows = out.split("\n")[1:5]
    assert [row.split()[0] for row in rows] == ["国家", "財務省", "Customs"]
    # the layer column starts, and the capacity column ends, at one display column in every row
    layers = {width(line[: line.index(word)]) for line, word in
              zip([header, *rows], ["layer", "political", "administrative", "administrative"])}
    capacities = {width(line[: line.index(word) + len(word)]) for line, word in
                  zip([header, *rows], ["capacity", "0.50", "0.70", "0.40"])}
    assert len(layers) == 1 and len(capacities) == 1, [header, *rows]


def test_trend_table_aligns_cjk_names(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.sphere").write_text(
        "sphere 国家 : political {\n  channel c strength 0.6\n"
        "  indicator a = 10 of 100 year 2019\n  indicator a = 20 of 100 year 2020\n"
        "  sphere Ministry : administrative {\n    capacity 0.5\n  }\n}\n")
    _, out = run(["trend", "m.sphere"], capsys)
    capacity = out.split("\n\n")[1].split("\n")
    ends = {width(line) for line in capacity}
    assert len(ends) == 1, capacity  # right-aligned year columns end together


# ------------------------------------------------------------------ RUL001 and an unclosed '{'


RULE = """\
rule ORG002 "rooted" {
  for s in spheres
  require s.parent.layer == "political"
}
sphere N : political {
  channel c strength 0.6
}
"""


def test_rul001_stays_at_the_rule_and_underlines_the_failing_expression(project: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (project / "r.sphere").write_text(RULE)
    _, out = run(["check", "--no-cache", "r.sphere"], capsys)
    assert out == """\
r.sphere:1:1: RUL001 [error] rule 'ORG002' failed on sphere 'N': cannot read attribute 'layer' of null
  |
1 | rule ORG002 "rooted" {
  | ^^^^^^^^^^^^^^^^^^^^
  |
 ::: r.sphere:3:11
  |
3 |   require s.parent.layer == "political"
  |           -------------- the expression that fails
  = hint: guard it, as in 'x != null and x.layer ...'

Found 1 error, 0 warnings and 0 infos in 1 file.
"""


def test_an_unclosed_brace_is_reported_at_the_end_and_points_at_the_brace(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.sphere").write_text('sphere N : political {  // "{" in a comment does not count\n'
                                      '  channel c strength 0.6 "a { in a string"\n'
                                      "  sphere M : body {\n    power p\n  }\n")
    _, out = run(["check", "--no-cache", "m.sphere"], capsys)
    lines = out.split("\n")
    assert lines[0].startswith("m.sphere:5:4: SPH001 [error] unexpected end of file; expected ")
    assert lines[4:10] == [
        "  |",
        " ::: m.sphere:1:22",
        "  |",
        '1 | sphere N : political {  // "{" in a comment does not count',
        "  |                      - this '{' is never closed",
        "  = hint: add the '}' that closes it",
    ]
