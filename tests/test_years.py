"""Years, series, uncertainty and provenance (LANGUAGE.md §8.3, §8.4, §8.7):
the syntax, which value counts, ``--year``, ``sphere trend`` and the
``illustrative`` marks, on small models whose figures are worked out by hand."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

import spherelang
from spherelang.cli import cli
from spherelang.syntax import ParseFailure, parse_text

from .test_fastpath import fast, lalr


def load_text(text: str) -> spherelang.Model:
    """A model from text, through a file as a user's would be."""
    import atexit
    import shutil
    import tempfile

    tmp = tempfile.mkdtemp()  # kept while the test runs: a scenario reads the files again
    atexit.register(shutil.rmtree, tmp, True)
    path = Path(tmp) / "m.sphere"
    path.write_text(text, encoding="utf-8")
    return spherelang.load(path)


def members(text: str) -> tuple[object, ...]:
    return parse_text(text, "t.sphere").spheres[0].members


# ---------------------------------------------------------------- syntax


def test_new_forms_parse_with_their_parts() -> None:
    ind, rank, cap = members(
        "sphere A : political {\n"
        '  indicator s = 0.4 ± 0.05 in 0..1 lower_is_better year 2019 "WB" illustrative\n'
        "  indicator r = 12 +/- 2 of 190 year 2018\n"
        "  capacity 0.5 ± 0.1 illustrative\n}\n")
    assert (ind.uncertainty.value, ind.year.value, ind.source, ind.illustrative, ind.lower_is_better) == (
        0.05, 2019, "WB", True, True)
    assert (rank.uncertainty.text, rank.year.text, rank.illustrative, rank.source) == ("2", "2018", False, None)
    assert (cap.value.value, cap.uncertainty.value, cap.illustrative) == (0.5, 0.1, True)


def test_plain_forms_have_no_year_no_uncertainty_and_are_not_illustrative() -> None:
    ind, cap = members("sphere A : political {\n  indicator r = 1 of 5\n  capacity 0.3\n}\n")
    assert (ind.uncertainty, ind.year, ind.illustrative) == (None, None, False)
    assert (cap.uncertainty, cap.illustrative) == (None, False)


@pytest.mark.parametrize("text", [
    "sphere year : political {\n  power year\n}\n",
    "sphere A : political {\n  resource illustrative = 1\n  responsibility r requires illustrative\n}\n",
    "sphere A : political {\n  indicator year = 1 of 5 year 2019\n}\n",
    "sphere A : political {\n  indicator illustrative = 1 of 5 illustrative\n}\n",
    "layers year > illustrative\nsphere A : year {\n  sphere B : illustrative within A { }\n}\n",
])
def test_year_and_illustrative_stay_names_elsewhere(text: str) -> None:
    parse_text(text.replace(" within A", ""), "t.sphere")


def test_rule_expressions_may_name_year_and_illustrative() -> None:
    text = ('rule R "x" {\n  for year in indicators where year.illustrative\n'
            '  require year.year == null or year.year >= 2000\n}\n')
    assert parse_text(text, "t.sphere").rules[0].var.text == "year"


@pytest.mark.parametrize(("line", "words"), [
    ("indicator a = 1 of 5 yearly", "expected a keyword such as 'year'"),  # a misspelt keyword: did you mean
    ('indicator a = 1 of 5 "s" year 2019', "expected the end of the statement, 'illustrative'"),
    ("capacity 0.5 ±", "expected a number"),
    ("indicator a = 1 of 5 illustrative year 2019", "expected the end of the statement"),
])
def test_misplaced_new_forms_are_syntax_errors_in_words(line: str, words: str) -> None:
    with pytest.raises(ParseFailure) as info:
        parse_text(f"sphere A : political {{\n  {line}\n}}\n", "t.sphere")
    assert info.value.finding.code == "SPH001" and words in info.value.finding.message


NEW_FORM_LINES = [
    '  indicator s = 0.4 ± 0.05 in 0..1 lower_is_better year 2019 "WB" illustrative',
    "  indicator r = 12 +/- 2 of 190 year 2018",
    "  indicator r = 12 of 190 year 2019",
    "  indicator p = 3 of 10 illustrative",
    '  indicator q = 3 of 10 "src" illustrative',
    "  capacity 0.5 ± 0.1",
    "  capacity 0.5 illustrative",
]


@pytest.mark.parametrize("line", NEW_FORM_LINES)
def test_fast_path_gives_the_grammars_ast_or_gives_up(line: str) -> None:
    text = f"sphere A : political {{\n  power p\n{line}\n  resource r = 1\n}}\n"
    got = fast(text, "m.sphere")
    assert got is None or got == lalr(text, "m.sphere")
    assert parse_text(text, "m.sphere") == lalr(text, "m.sphere")


# ---------------------------------------------------------------- which value counts

SERIES = """model "years"
sphere Nation : political {
  channel c strength 0.5
  indicator a = 0.2 in 0..1 year 2015
  indicator a = 0.6 in 0..1 year 2018
  indicator b = 0.4 in 0..1 illustrative
  sphere Gov : administrative {
    indicator g = 0.9 in 0..1 year 2017
    indicator h = 0.5 in 0..1 year 2016
    indicator h = 1.5 in 0..1 year 2018
  }
}
scenario reform {
  in Nation { indicator a = 0.8 in 0..1 year 2019; indicator a = 0.0 in 0..1 year 2014 }
}
"""


def figures(year: int | None = None, scenario: str | None = None) -> dict[str, tuple[float | None, ...]]:
    model = load_text(SERIES)
    ev = spherelang.evaluate(model, scenario, year=year)
    return {s.path: (s.capacity, s.ceiling, s.effective) for s in ev.spheres}


def approx(values: dict[str, tuple[float | None, ...]]) -> dict[str, tuple[object, ...]]:
    return {k: tuple(None if v is None else pytest.approx(v) for v in vs) for k, vs in values.items()}


@pytest.mark.parametrize(("year", "expected"), [
    # a: its latest (0.6); b always; Gov: g 0.9, and h's latest (2018) is invalid: nothing, no fallback
    (None, {"Nation": (0.5, None, 0.5), "Nation.Gov": (0.9, 0.5, 0.5)}),
    (2014, {"Nation": (0.4, None, 0.4), "Nation.Gov": (None, 0.4, None)}),
    (2015, {"Nation": (0.3, None, 0.3), "Nation.Gov": (None, 0.3, None)}),
    (2016, {"Nation": (0.3, None, 0.3), "Nation.Gov": (0.5, 0.3, 0.3)}),   # a in the gap: 2015's
    (2017, {"Nation": (0.3, None, 0.3), "Nation.Gov": (0.7, 0.3, 0.3)}),
    (2018, {"Nation": (0.5, None, 0.5), "Nation.Gov": (0.9, 0.5, 0.5)}),
    (2030, {"Nation": (0.5, None, 0.5), "Nation.Gov": (0.9, 0.5, 0.5)}),
])
def test_the_latest_value_at_or_before_the_year_counts(year: int | None, expected: dict[str, tuple]) -> None:
    assert figures(year) == approx(expected)


def test_a_scenario_replaces_the_whole_series() -> None:
    # a becomes {2014: 0.0, 2019: 0.8}; the 2015 and 2018 values are gone
    assert figures(None, "reform")["Nation"] == approx({"x": (0.6, None, 0.6)})["x"]
    assert figures(2016, "reform")["Nation"] == approx({"x": (0.2, None, 0.2)})["x"]


def test_a_model_without_years_is_unchanged_at_any_year() -> None:
    text = "sphere A : political {\n  channel c strength 0.5\n  indicator x = 3 of 5\n  capacity 0.7\n}\n"
    model = load_text(text)
    assert spherelang.evaluate(model, year=1990).spheres == spherelang.evaluate(model).spheres


def test_year_selects_the_figures_the_checks_use(tmp_path: Path) -> None:
    path = tmp_path / "m.sphere"
    path.write_text(SERIES, encoding="utf-8")
    run = CliRunner()
    def codes(*args: str) -> list[str]:
        out = run.invoke(cli, ["check", "--no-cache", "--format", "json", "--fail-on", "info", str(path), *args])
        return [v["code"] for v in json.loads(out.output)["violations"]]
    assert "COR001" in codes()                       # 0.9 against 0.5
    assert "COR001" not in codes("--year", "2015")   # Gov has no capacity yet
    assert codes().count("VAL001") == 1 and codes("--year", "2015").count("VAL001") == 1  # every statement checked
    for command in ("eval", "graph", "report"):
        extra = ["-o", str(tmp_path / "out")] if command != "eval" else []
        assert run.invoke(cli, [command, "--no-cache", "--year", "2016", str(path), *extra]).exit_code in (0, 1)


def test_year_must_be_a_whole_number_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "m.sphere"
    path.write_text(SERIES, encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "--no-cache", "--year", "2019.5", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_rules_see_the_counting_values_and_their_attributes() -> None:
    text = SERIES + ('rule Y "years" {\n  for i in indicators\n'
                     '  require i.year == null or i.year < 2018\n  message "{i.name} {i.year} {i.uncertainty}"\n}\n')
    report = spherelang.check(load_text(text), select="Y")
    assert sorted(d.message for d in report.violations) == ["a 2018 0", "h 2018 0"]
    at = spherelang.check(load_text(text), select="Y", year=2017)
    assert at.violations == ()


# ---------------------------------------------------------------- trend


def trend_json(tmp_path: Path, *args: str) -> dict[str, object]:
    path = tmp_path / "m.sphere"
    path.write_text(SERIES, encoding="utf-8")
    result = CliRunner().invoke(cli, ["trend", "--no-cache", "--format", "json", str(path), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_trend_json_has_the_shape_of_the_contract(tmp_path: Path) -> None:
    data = trend_json(tmp_path)
    assert list(data) == ["version", "scenario", "years", "spheres"]
    assert data["version"] == 1 and data["scenario"] is None and data["years"] == [2015, 2016, 2017, 2018]
    nation, gov = data["spheres"]  # type: ignore[misc]
    assert list(nation) == ["path", "layer", "capacity", "ceiling", "effective", "binding", "illustrative"]
    assert nation["capacity"] == pytest.approx([0.3, 0.3, 0.3, 0.5])
    assert nation["ceiling"] == [None] * 4 and nation["binding"] == [None] * 4
    assert gov["capacity"][0] is None and gov["capacity"][1:] == pytest.approx([0.5, 0.7, 0.9])
    assert gov["binding"] == ["Nation"] * 4
    # b is illustrative and counts in every year: Nation's capacity, Gov's ceiling
    assert nation["illustrative"] == [["capacity", "effective"]] * 4
    assert gov["illustrative"] == [["ceiling"], ["ceiling", "effective", "headroom"],
                                   ["ceiling", "effective", "headroom"], ["ceiling", "effective", "headroom"]]


def test_trend_with_a_scenario_uses_its_years(tmp_path: Path) -> None:
    data = trend_json(tmp_path, "--scenario", "reform")
    assert data["scenario"] == "reform" and data["years"] == [2014, 2016, 2017, 2018, 2019]


def test_trend_text_is_a_table_per_figure(tmp_path: Path) -> None:
    path = tmp_path / "m.sphere"
    path.write_text(SERIES, encoding="utf-8")
    out = CliRunner().invoke(cli, ["trend", "--no-cache", str(path)]).output
    for head in ("capacity", "ceiling", "effective", "bound by"):
        assert any(line.startswith(head) and "2015" in line for line in out.splitlines())
    assert "0.30*" in out and out.count("depends on a value marked illustrative") == 1


def test_trend_of_a_broken_model_prints_the_loading_diagnostics(tmp_path: Path) -> None:
    path = tmp_path / "m.sphere"
    path.write_text("sphere A : political {\n  indicator a = 1 of 5 year\n}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["trend", "--no-cache", "--format", "json", str(path)])
    assert result.exit_code == 1 and "SPH001" in result.output


# ---------------------------------------------------------------- provenance


def marks(text: str) -> dict[str, tuple[str, ...]]:
    ev = spherelang.evaluate(load_text(text))
    return {s.path: s.illustrative for s in ev.spheres}


def test_provenance_follows_the_figure_each_one_takes() -> None:
    text = ("sphere P : political {\n  capacity 0.4 illustrative\n"
            "  sphere A : administrative {\n    capacity 0.6\n"           # above its ceiling: effective is the ceiling
            "    sphere O : operational {\n      indicator x = 0.2 in 0..1\n    }\n  }\n"
            "  sphere B : administrative {\n    indicator y = 0.3 in 0..1 illustrative\n"
            "    indicator z = 0.1 in 0..1\n  }\n}\n")
    assert marks(text) == {
        "P": ("capacity", "effective"),
        "P.A": ("ceiling", "effective", "headroom"),
        "P.A.O": ("ceiling", "headroom"),                 # bound by P (0.4 < 0.6); effective is its own 0.2
        "P.B": ("capacity", "ceiling", "effective", "headroom"),
    }


def test_an_illustrative_value_that_does_not_count_marks_nothing() -> None:
    text = ("sphere P : political {\n  capacity 0.4\n  indicator old = 0.9 in 0..1 year 2010 illustrative\n"
            "  indicator old = 0.8 in 0..1 year 2011\n  sphere A : administrative {\n    capacity 0.6\n  }\n}\n")
    assert marks(text) == {"P": (), "P.A": ()}


def test_eval_json_lists_and_text_marks(tmp_path: Path) -> None:
    path = tmp_path / "m.sphere"
    path.write_text(SERIES, encoding="utf-8")
    data = json.loads(CliRunner().invoke(cli, ["eval", "--no-cache", "--format", "json", str(path)]).output)
    assert [s["illustrative"] for s in data["spheres"]] == [["capacity", "effective"],
                                                             ["ceiling", "effective", "headroom"]]
    text = CliRunner().invoke(cli, ["eval", "--no-cache", str(path)]).output
    assert "0.50*" in text and text.count("* depends on a value marked illustrative") == 1
    plain = tmp_path / "p.sphere"
    plain.write_text("sphere A : political {\n  channel c strength 0.5\n  capacity 0.5\n}\n", encoding="utf-8")
    assert "*" not in CliRunner().invoke(cli, ["eval", "--no-cache", str(plain)]).output


@pytest.mark.parametrize("line", NEW_FORM_LINES + ["  indicator r=12+/-2 of 190   year 2018 illustrative"])
def test_the_formatter_keeps_the_new_forms_in_canonical_spacing(line: str) -> None:
    from spherelang.fmt import format_text
    from spherelang.fmt.equivalence import same_meaning

    text = f"sphere A : political {{\n{line}\n}}\n"
    once = format_text(text, "m.sphere")
    assert format_text(once, "m.sphere") == once
    assert same_meaning(parse_text(text, "m.sphere"), parse_text(once, "m.sphere"))
    assert "  " not in once.split("\n")[1].strip()


# ---------------------------------------------------------------- the chart over the years and the report


def test_graph_trend_draws_capacity_and_ceiling_per_sphere(tmp_path: Path) -> None:
    (tmp_path / "m.sphere").write_text(SERIES)
    out = subprocess.run(["sphere", "graph", "--trend", "m.sphere"], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    svg = out.stdout
    root = ElementTree.fromstring(svg)  # well-formed
    assert root.tag.endswith("svg")
    years = trend_json(tmp_path)["years"]
    assert years and all(f">{y}</text>" in svg for y in years)  # type: ignore[union-attr]
    dashed = svg.count('stroke-dasharray="6 4"')
    solid = svg.count('stroke-width="2"/>')
    assert solid >= 1 and dashed >= 1  # a capacity line and a ceiling line
    again = subprocess.run(["sphere", "graph", "--trend", "m.sphere"], cwd=tmp_path, capture_output=True, text=True)
    assert again.stdout == svg  # the same bytes on every run
    dot = subprocess.run(["sphere", "graph", "--trend", "--format", "dot", "m.sphere"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert dot.returncode == 2 and "--trend" in dot.stderr


def test_the_report_lists_every_indicator_and_charts_the_years(tmp_path: Path) -> None:
    (tmp_path / "m.sphere").write_text(SERIES)
    out = subprocess.run(["sphere", "report", "m.sphere", "-o", "-"], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    page = out.stdout
    assert 'id="trend"' in page and 'id="indicators"' in page
    statements = sum(len(s.indicator_statements) for s in load_text(SERIES).spheres)
    table = page[page.index('id="indicators"'):]
    assert table.count("<tr><td>") == statements


def test_a_model_without_years_has_no_chart(tmp_path: Path) -> None:
    (tmp_path / "m.sphere").write_text('sphere N : political {\n  channel c strength 0.6\n  capacity 0.5\n}\n')
    page = subprocess.run(["sphere", "report", "m.sphere", "-o", "-"], cwd=tmp_path, capture_output=True,
                          text=True).stdout
    assert 'id="trend"' not in page and 'id="indicators"' not in page


def test_the_api_gives_the_trend_and_the_report_shows_the_intervals(tmp_path: Path) -> None:
    path = tmp_path / "m.sphere"
    path.write_text(SERIES)
    result = spherelang.trend(path)
    assert isinstance(result, spherelang.Trend)
    assert list(result.years) == trend_json(tmp_path)["years"]
    nation = next(s for s in result.spheres if s.path == "Nation")
    assert len(nation.capacity) == len(result.years)
    uncertain = tmp_path / "u.sphere"
    uncertain.write_text("sphere N : political {\n  channel c strength 0.6\n  indicator a = 0.5 +/- 0.1 in 0..1\n}\n")
    page = subprocess.run(["sphere", "report", "u.sphere", "--samples", "200", "-o", "-"], cwd=tmp_path,
                          capture_output=True, text=True).stdout
    assert 'id="samples"' in page and "(mean 0.5" in page
    plain = subprocess.run(["sphere", "report", "u.sphere", "-o", "-"], cwd=tmp_path, capture_output=True, text=True)
    assert 'id="samples"' not in plain.stdout
