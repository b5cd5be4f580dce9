"""The Python API: parse, load, check, evaluate, and the documented exceptions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import spherelang
from spherelang import Severity, SphereSyntaxError, SphereUsageError

MODEL = """\
sphere Nation : political {
  channel elections strength 0.6
  indicator rule_of_law = 121 of 209 "WGI 2019"
  power tax
  resource revenue = 100 USD
  responsibility collection requires tax, revenue 40 USD

  sphere Customs : operational {
    indicator clearance = 2 in 0..10 lower_is_better
    power tax
    resource share = 50 USD from Nation.revenue
    responsibility clearing requires tax, share
  }
}
"""


@pytest.fixture
def model_path(tmp_path: Path) -> Path:
    (tmp_path / "sphere.toml").write_text("")
    path = tmp_path / "m.sphere"
    path.write_text(MODEL)
    return path


def test_parse_returns_the_ast_and_raises_only_syntax_errors() -> None:
    file = spherelang.parse(MODEL, path="m.sphere")
    assert [s.name.text for s in file.spheres] == ["Nation", "Customs"]
    with pytest.raises(SphereSyntaxError) as info:
        spherelang.parse("sphere Nation {", path="bad.sphere")
    d = info.value.diagnostic
    assert (d.code, d.span.file, d.span.line, d.span.column) == ("SPH001", "bad.sphere", 1, 15)
    assert isinstance(info.value, spherelang.SphereError)


def test_load_resolves_the_tree_and_figures(model_path: Path) -> None:
    model = spherelang.load(model_path)
    nation, customs = model.spheres
    assert customs.path == "Nation.Customs" and customs.parent == nation.index
    assert nation.capacity == pytest.approx((209 - 121) / 208)
    assert customs.capacity == pytest.approx(0.8)
    assert customs.ceiling == pytest.approx(nation.capacity)
    assert customs.effective == pytest.approx(nation.capacity)
    assert customs.headroom == pytest.approx(nation.capacity - 0.8)
    assert nation.elasticity == pytest.approx(0.6) and customs.elasticity is None
    revenue = nation.resources[0]
    assert (revenue.allocated, revenue.required, revenue.available) == (50, 40, 50)


def test_check_reports_diagnostics_with_every_field(model_path: Path) -> None:
    report = spherelang.check(model_path)
    (cor,) = report.violations
    assert cor.code == "COR001" and cor.severity is Severity.INFO
    assert (cor.span.line, cor.span.column) == (8, 3)
    assert cor.sphere == "Nation.Customs" and cor.hint and cor.related
    assert not report.fails() and report.fails(Severity.INFO)
    assert report.infos == 1 and report.errors == 0


def test_violations_carry_the_json_fields(model_path: Path) -> None:
    """LANGUAGE.md §7: the API's violations carry the fields of the JSON output."""
    (cor,) = spherelang.check(model_path).violations
    assert (cor.file, cor.line, cor.column, cor.end_line, cor.end_column) == tuple(cor.span)
    assert cor.severity == "info" and cor.severity != "error" and str(cor.severity) == "info"
    row = cor.as_dict()
    assert row == {"code": "COR001", "severity": "info", "message": cor.message, "file": cor.span.file,
                   "line": 8, "column": 3, "end_line": cor.end_line, "end_column": cor.end_column,
                   "sphere": "Nation.Customs", "hint": cor.hint,
                   "related": [{"file": cor.span.file, "line": 1, "column": 1, "end_line": 1, "end_column": 26,
                                "message": "its capacity, 0.42, sets the ceiling"}]}
    assert max([Severity.INFO, Severity.ERROR]) is Severity.ERROR and Severity.ERROR > "warning"
    # a severity equals its word and hashes like it, so sets and dicts agree with ==
    assert "error" in {Severity.ERROR} and Severity.ERROR in {"error"} and {"info": 1}[Severity.INFO] == 1
    assert Severity.ERROR != 3 and spherelang.check(model_path).fails("info")


def test_reports_sort_by_the_file_as_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """An imported file outside the working directory prints absolute; the order
    follows what is printed, as the contract sorts the JSON by its "file"."""
    import json

    from spherelang.cli import main

    (tmp_path / "sphere.toml").write_text("")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "z.sphere").write_text('import "../n.sphere"\nsphere Z : political {\n}\n')
    (tmp_path / "n.sphere").write_text("sphere N : political {\n}\n")
    monkeypatch.chdir(tmp_path / "m")
    with pytest.raises(SystemExit):
        main(["check", "--no-cache", "--format", "json", "z.sphere"])
    files = [v["file"] for v in json.loads(capsys.readouterr().out)["violations"]]
    assert files == sorted(files) and len(set(files)) == 2


def test_check_select_ignore_and_options(model_path: Path) -> None:
    assert len(spherelang.check(model_path, ignore=["COR"])) == 0
    assert len(spherelang.check(model_path, select="BAL")) == 0
    assert len(spherelang.check(model_path, corridor_tolerance=0.6)) == 0
    report = spherelang.check(model_path, severity={"COR001": Severity.ERROR})
    assert report.errors == 1
    with pytest.raises(SphereUsageError):
        spherelang.check(model_path, no_such_option=1)


def test_check_accepts_a_loaded_model_and_a_path_alike(model_path: Path) -> None:
    assert spherelang.check(spherelang.load(model_path)).violations == spherelang.check(str(model_path)).violations


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SphereUsageError):
        spherelang.load(tmp_path / "nope.sphere")


def test_bad_content_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "bad.sphere"
    path.write_bytes(b"sphere \xff {")
    report = spherelang.check(path)
    assert [v.code for v in report.violations] == ["SPH005"]


def test_evaluate_with_a_scenario(model_path: Path) -> None:
    model_path.write_text(MODEL + 'scenario reform {\n  in Nation { indicator rule_of_law = 1 of 209 }\n}\n')
    result = spherelang.evaluate(model_path, scenario="reform")
    customs = result.sphere("Nation.Customs")
    assert customs is not None
    assert customs.ceiling == pytest.approx(1.0) and customs.baseline.ceiling == pytest.approx(88 / 208)
    assert [v.code for v in result.fixed] == ["COR001"] and result.introduced == ()
    with pytest.raises(SphereUsageError, match="reform"):
        spherelang.evaluate(model_path, scenario="nope")


def test_threads_share_the_parser_safely(model_path: Path) -> None:
    expected = spherelang.check(model_path).violations
    results: list[object] = []

    def work() -> None:
        for _ in range(5):
            results.append(spherelang.check(model_path).violations)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 40 and all(r == expected for r in results)


# ---------------------------------------------------------------- LANGUAGE.md §7, additions in v2

UNBALANCED = 'sphere N : political {\n  channel c strength 0.6\n  power p\n}\n'


def test_loads_resolves_a_model_held_in_a_string(tmp_path: Path) -> None:
    (tmp_path / "frame.sphere").write_text('sphere Frame : political { channel c strength 0.6 }\n')
    text = 'import "frame.sphere"\nsphere N : political {\n  channel c strength 0.6\n  power p\n}\n'
    model = spherelang.loads(text, path=str(tmp_path / "entry.sphere"))
    assert [s.path for s in model.spheres] == ["Frame", "N"]  # the import resolved next to 'path'
    assert [(v.code, v.line) for v in spherelang.check(model).violations] == [("BAL001", 4)]
    assert not (tmp_path / "entry.sphere").exists()


def test_check_and_evaluate_take_a_model_a_path_or_a_parsed_file(tmp_path: Path) -> None:
    path = tmp_path / "m.sphere"
    path.write_text(UNBALANCED)
    as_model = spherelang.check(spherelang.load(path))
    as_path = spherelang.check(path)
    as_file = spherelang.check(spherelang.parse(UNBALANCED, str(path)))
    assert [v.code for v in as_model] == [v.code for v in as_path] == [v.code for v in as_file] == ["BAL001"]
    assert spherelang.evaluate(spherelang.parse(UNBALANCED, str(path))).spheres[0].path == "N"
    for wrong in (42, None, b"sphere", ["m.sphere"]):
        with pytest.raises(spherelang.SphereUsageError):
            spherelang.check(wrong)  # type: ignore[arg-type]
        with pytest.raises(spherelang.SphereUsageError):
            spherelang.evaluate(wrong)  # type: ignore[arg-type]


def test_the_returned_classes_are_importable_and_severities_take_words(tmp_path: Path) -> None:
    from spherelang import Evaluation, Finding, Model, Report

    path = tmp_path / "m.sphere"
    path.write_text(UNBALANCED)
    model = spherelang.load(path)
    report = spherelang.check(model)
    assert isinstance(model, Model) and isinstance(report, Report)
    assert isinstance(spherelang.evaluate(model), Evaluation) and Finding.__name__ == "Finding"
    assert report.count("error") == report.errors == 1 and report.count("warning") == 0
    assert report.fails("warning") and report.fails("error") and report.fails()
    assert not spherelang.check(model, ignore=["BAL001"]).fails("info")
    assert spherelang.check(model, fail_on="warning").fail_on is Severity.WARNING


def test_the_title_is_the_entry_files(tmp_path: Path) -> None:
    (tmp_path / "frame.sphere").write_text('model "Frame"\nsphere F : political { channel c strength 0.6 }\n')
    (tmp_path / "p.sphere").write_text('model "Province"\nimport "frame.sphere"\n'
                                       'sphere P : political { channel c strength 0.6 }\n')
    (tmp_path / "q.sphere").write_text('import "frame.sphere"\nsphere Q : political { channel c strength 0.6 }\n')
    assert spherelang.load(tmp_path / "p.sphere").title == "Province"
    assert spherelang.load(tmp_path / "q.sphere").title == "Frame"  # none of its own: what it imports says


def test_an_import_outside_an_unmarked_root_says_how_to_set_the_root(tmp_path: Path) -> None:
    (tmp_path / "frame.sphere").write_text('sphere F : political { channel c strength 0.6 }\n')
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "p.sphere").write_text('import "../frame.sphere"\n')
    (found,) = spherelang.check(tmp_path / "models" / "p.sphere").violations
    assert found.code == "SPH004" and found.hint is not None
    assert "no sphere.toml or pyproject.toml marks a project" in found.hint and "sphere.toml" in found.hint
