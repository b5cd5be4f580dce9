"""Scenario overlays and the evaluator's figures, computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

import spherelang
from spherelang.evaluator import apply_scenario

BASE = """\
sphere Nation : political {
  channel elections strength 0.4
  channel media strength 0.2
  indicator rule_of_law = 121 of 209
  indicator control = -0.3 in -2.5..2.5
  power tax
  resource revenue = 100 USD
  responsibility collection requires tax, revenue
  sphere Customs : operational {
    indicator clearance = 2 in 0..10 lower_is_better
    power tax
    resource share = 40 USD from Nation.revenue
    responsibility clearing requires tax, share
    sphere Post : body {
      capacity 0.9
      power tax
      resource desk = 10 USD from Customs.share
      responsibility serving requires tax, desk
    }
  }
}
"""

SCENARIOS = """
scenario replace {
  in Nation { indicator rule_of_law = 1 of 209; channel media strength 0.8; indicator control = 2.5 in -2.5..2.5 }
}
scenario add {
  in Nation.Customs { indicator queue = 1 of 11 }
  in Nation { sphere Audit : administrative { power tax; resource audit_budget = 5 USD from Nation.revenue; responsibility auditing requires tax, audit_budget } }
}
scenario replace_child {
  in Nation { sphere Customs : operational { capacity 0.1; power tax; resource share = 40 USD from Nation.revenue; responsibility clearing requires tax, share } }
}
scenario drop_sphere { remove Nation.Customs.Post }
scenario drop_member { remove Nation.Customs.clearance }
scenario bad_paths {
  in Nation.Custom { capacity 0.5 }
  remove Nation.Customs.nothing
}
scenario overspend {
  in Nation.Customs { resource share = 140 USD from Nation.revenue }
}
"""


@pytest.fixture
def model(tmp_path: Path) -> spherelang.model.Model:  # type: ignore[name-defined]
    (tmp_path / "sphere.toml").write_text("")
    path = tmp_path / "m.sphere"
    path.write_text(BASE + SCENARIOS)
    return spherelang.load(path)


def figures(model, path):  # type: ignore[no-untyped-def]
    s = model.find(path)
    return (s.capacity, s.ceiling, s.effective, s.headroom, s.elasticity)


def test_baseline_figures_by_hand(model) -> None:  # type: ignore[no-untyped-def]
    rol = (209 - 121) / 208             # 0.4231
    control = (-0.3 + 2.5) / 5          # 0.44
    nation = (rol + control) / 2        # 0.4315
    cap, ceiling, effective, headroom, elasticity = figures(model, "Nation")
    assert (ceiling, headroom) == (None, None)
    assert cap == pytest.approx(nation) and effective == pytest.approx(nation)
    assert elasticity == pytest.approx(0.3)
    cap, ceiling, effective, headroom, elasticity = figures(model, "Nation.Customs")
    assert cap == pytest.approx(0.8) and ceiling == pytest.approx(nation)
    assert effective == pytest.approx(nation) and headroom == pytest.approx(nation - 0.8)
    assert elasticity is None
    post = figures(model, "Nation.Customs.Post")
    assert post[0] == 0.9 and post[1] == pytest.approx(nation)   # explicit capacity; min over ancestors
    assert model.find("Nation").elasticity == pytest.approx(0.3)


def test_replace_members(model) -> None:  # type: ignore[no-untyped-def]
    changed = apply_scenario(model, "replace")
    nation = changed.find("Nation")
    assert nation.capacity == pytest.approx(1.0)
    assert nation.elasticity == pytest.approx(0.6)
    assert [i.name for i in nation.indicators] == ["rule_of_law", "control"]  # replaced in place
    assert changed.find("Nation.Customs").ceiling == pytest.approx(1.0)


def test_add_member_and_sphere(model) -> None:  # type: ignore[no-untyped-def]
    changed = apply_scenario(model, "add")
    assert changed.find("Nation.Customs").capacity == pytest.approx((0.8 + 1.0) / 2)
    audit = changed.find("Nation.Audit")
    assert audit is not None and audit.resources[0].source.ok
    assert changed.find("Nation").resources[0].allocated == 45


def test_replace_child_sphere_subtree_and_all(model) -> None:  # type: ignore[no-untyped-def]
    changed = apply_scenario(model, "replace_child")
    assert changed.find("Nation.Customs").capacity == 0.1
    assert changed.find("Nation.Customs.Post") is None


def test_remove_sphere_and_member(model) -> None:  # type: ignore[no-untyped-def]
    assert apply_scenario(model, "drop_sphere").find("Nation.Customs.Post") is None
    changed = apply_scenario(model, "drop_member")
    assert changed.find("Nation.Customs").capacity is None
    assert changed.find("Nation.Customs.Post").ceiling == pytest.approx(model.find("Nation").capacity)


def test_unknown_paths_are_ref001_at_their_lines(model) -> None:  # type: ignore[no-untyped-def]
    report = spherelang.check(model)  # scenarios are validated without applying them
    lines = BASE.count("\n") + SCENARIOS.split("scenario bad_paths")[0].count("\n")
    found = [(v.code, v.span.line) for v in report.violations if v.code == "REF001"]
    assert found == [("REF001", lines + 2), ("REF001", lines + 3)]
    ref = [v for v in report.violations if v.code == "REF001"]
    assert "did you mean 'Nation.Customs'?" in ref[0].message


def test_fixed_and_introduced_by_identity(model) -> None:  # type: ignore[no-untyped-def]
    result = spherelang.evaluate(model, scenario="overspend")
    assert [(v.code, v.sphere) for v in result.introduced] == [("NEST003", "Nation")]
    result = spherelang.evaluate(model, scenario="replace")
    assert [(v.code, v.sphere) for v in result.fixed] == [("COR001", "Nation.Customs")]
    assert all(row.baseline is not None for row in result.spheres)


def test_check_with_a_scenario_rechecks_the_model(model) -> None:  # type: ignore[no-untyped-def]
    codes = {v.code for v in spherelang.check(model, scenario="overspend").violations}
    assert "NEST003" in codes


def test_thresholds_are_configurable(model) -> None:  # type: ignore[no-untyped-def]
    assert {v.code for v in spherelang.check(model).violations} >= {"COR001"}
    assert "COR001" not in {v.code for v in spherelang.check(model, corridor_tolerance=0.5).violations}
    assert "ELA002" in {v.code for v in spherelang.check(model, elasticity_threshold=0.31).violations}
    assert "ELA002" not in {v.code for v in spherelang.check(model, elasticity_threshold=0.3).violations}


def test_kazakhstan_shows_the_article_pattern() -> None:
    root = Path(__file__).resolve().parents[1] / "examples" / "kazakhstan.sphere"
    model = spherelang.load(root)
    by_layer: dict[str, list[float]] = {}
    for s in model.spheres:
        if s.capacity is not None:
            by_layer.setdefault(s.layer, []).append(s.capacity)
    mean = {layer: sum(v) / len(v) for layer, v in by_layer.items()}
    assert mean["political"] < mean["administrative"] < mean["operational"]
    report = spherelang.check(model)
    cor = {v.sphere for v in report.violations if v.code == "COR001"}
    assert cor and all(model.find(p).layer == "operational" for p in cor)
    assert {v.code for v in report.violations} == {"COR001"}

    sectoral = spherelang.evaluate(model, scenario="sectoral_reform")
    moved = [r for r in sectoral.spheres if r.baseline and r.effective is not None
             and abs(r.effective - (r.baseline.effective or 0)) > 0.02]
    assert moved == []  # better operational indicators: effective capacities barely move
    political = spherelang.evaluate(model, scenario="political_reform")
    inner = [r for r in political.spheres if r.depth > 0]
    assert inner and all(r.ceiling > r.baseline.ceiling for r in inner)


def _split_model(tmp_path: Path) -> spherelang.model.Model:  # type: ignore[name-defined]
    (tmp_path / "sphere.toml").write_text("")
    (tmp_path / "parent.sphere").write_text("sphere Nation : political {\n  channel c strength 0.5\n}\n")
    (tmp_path / "body.sphere").write_text(
        'import "parent.sphere"\n'
        "sphere Min : administrative within Nation {\n  capacity 0.5\n}\n"
        "scenario drop_nation { remove Nation }\n"
        "scenario swap_min { in Nation { sphere Min : administrative { capacity 0.2 } } }\n")
    return spherelang.load(tmp_path / "body.sphere")


def test_a_sphere_joined_with_within_is_a_child_for_scenarios(tmp_path: Path) -> None:
    """Removing a sphere removes what 'within' attached to it; a child added
    under the same name replaces it, as for a child nested in the block."""
    model = _split_model(tmp_path)
    assert apply_scenario(model, "drop_nation").spheres == ()
    assert spherelang.evaluate(model, scenario="drop_nation").introduced == ()
    swapped = spherelang.evaluate(model, scenario="swap_min")
    rows = [(row.path, row.figures.capacity) for row in swapped.spheres]
    assert rows == [("Nation", None), ("Nation.Min", 0.2)]
    assert swapped.introduced == ()


# ---------------------------------------------------------------- a scenario over several entries

FRAME = """\
sphere Frame : political {
  channel elections strength 0.6
  capacity 0.41
  sphere Ministry : administrative {
    capacity 0.9
  }
}
"""
PROVINCE = """\
import "frame.sphere"
sphere Province : operational within Frame.Ministry {
  capacity 0.8
}
scenario S {
  in Frame { capacity 0.55 }
}
"""
OTHER = """\
sphere Other : political {
  channel elections strength 0.6
  capacity 0.2
  sphere Held : administrative { capacity 0.7 }
}
"""


def test_a_scenario_over_several_entries_gives_one_result_whatever_the_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from spherelang.cli import main

    for name, text in (("frame.sphere", FRAME), ("province.sphere", PROVINCE), ("other.sphere", OTHER)):
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)

    def check(*files: str, fmt: str = "json") -> str:
        with pytest.raises(SystemExit):
            main(["check", "--no-cache", "--format", fmt, "--scenario", "S", *files])
        return capsys.readouterr().out

    forward = check("frame.sphere", "province.sphere", "other.sphere")
    for order in (("province.sphere", "frame.sphere", "other.sphere"), ("other.sphere", "frame.sphere",
                                                                       "province.sphere")):
        assert check(*order) == forward
    assert check("frame.sphere", "province.sphere", fmt="text") == check("province.sphere", "frame.sphere",
                                                                         fmt="text")
    # frame.sphere is read by the model that has the scenario: it is shown as the scenario leaves it,
    # never at baseline; other.sphere, which no model with the scenario reads, at baseline
    import json

    found = {(v["file"], v["sphere"]): v["message"] for v in json.loads(forward)["violations"]}
    assert set(found) == {("frame.sphere", "Frame.Ministry"), ("province.sphere", "Frame.Ministry.Province"),
                          ("other.sphere", "Other.Held")}
    assert "0.55" in found[("frame.sphere", "Frame.Ministry")] and "0.41" not in found[("frame.sphere",
                                                                                        "Frame.Ministry")]
    assert "0.2" in found[("other.sphere", "Other.Held")]
