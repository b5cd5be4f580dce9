"""Binding spheres in ``eval``, ``sphere reforms`` and ``sphere compare``
(LANGUAGE.md §8.1, §8.2, §8.6, §8.7): figures computed by hand on small models
written for these tests, the JSON shapes and the exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import spherelang
from spherelang.cli import main

# Root and Admin tie exactly at 0.4 (Admin, the nearer, binds what is inside it;
# lifting either one unlocks nothing); Gap has no capacity, in the middle of a chain.
TIES = """\
model "Tie land"
sphere Root : political {
  capacity 0.4
  sphere Admin : administrative {
    capacity 0.4
    sphere Ops : operational {
      capacity 0.9
      allow COR001 "known"
      sphere Desk : body { }
    }
    sphere Gap : operational {
      sphere Office : body { capacity 0.7 }
    }
  }
}
"""

# Nation 0.3 holds Gov 0.5 and Tax 0.8 at 0.3: lifting it unlocks 0.2 + 0.2.
REFORMS = """\
model "Reform land"
sphere Nation : political {
  capacity 0.3
  sphere Gov : administrative {
    capacity 0.5
    sphere Tax : operational { capacity 0.8 }
    sphere Post : operational { }
  }
}
scenario zeta "Politics, a hair better" { in Nation { capacity 0.6000000001 } }
scenario worse { in Nation { capacity 0.1 } }
scenario politics "Politics first" { in Nation { capacity 0.6 } }
scenario admin { in Nation.Gov { capacity 0.7 } }
scenario swap {
  remove Nation.Gov.Post
  in Nation.Gov { sphere Court : operational { capacity 0.2 } }
}
"""

OTHER_LAYERS = """\
layers national > regional > local
sphere Country : national {
  capacity 0.6
  sphere North : regional { capacity 0.2 }
  sphere South : regional {
    capacity 0.9
    sphere Town : local { capacity 0.95 }
  }
}
"""

NOTHING_BINDS = """\
sphere Alone : political { capacity 0.5 }
sphere Empty : political {
  sphere Inner : administrative { capacity 0.9 }
}
"""

BROKEN = "sphere Nation : political {\n  capacity 0.5\n"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sphere.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    for name, text in {"ties.sphere": TIES, "reforms.sphere": REFORMS, "other.sphere": OTHER_LAYERS,
                       "nothing.sphere": NOTHING_BINDS, "broken.sphere": BROKEN}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


# ------------------------------------------------------------------ eval


def test_eval_json_binding_with_ties_and_a_gap(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["eval", "ties.sphere", "--format", "json"], capsys)
    assert status == 0
    got = {s["path"]: (s["binding"], s["binds"], s["unlock"]) for s in json.loads(out)["spheres"]}
    assert got == {
        "Root": (None, 1, 0.0),
        "Root.Admin": ("Root", 4, 0.0),                 # tied with Root: lifting it alone unlocks nothing
        "Root.Admin.Ops": ("Root.Admin", 0, 0.0),       # the nearer of the two tied ancestors
        "Root.Admin.Ops.Desk": ("Root.Admin", 0, None),  # no capacity: still bound, no unlock
        "Root.Admin.Gap": ("Root.Admin", 0, None),
        "Root.Admin.Gap.Office": ("Root.Admin", 0, 0.0),  # bound through a sphere without capacity
    }


def test_eval_json_keys_and_baseline_keeps_five_figures(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["eval", "reforms.sphere", "--format", "json", "--scenario", "politics"], capsys)
    assert status == 0
    data = json.loads(out)
    nation, gov, tax, post = data["spheres"]
    assert list(nation) == ["path", "layer", "capacity", "ceiling", "effective", "headroom", "elasticity",
                            "binding", "binds", "unlock", "illustrative", "baseline"]
    assert sorted(nation["baseline"]) == sorted(["capacity", "ceiling", "effective", "headroom", "elasticity"])
    # after the scenario Nation is 0.6: Gov (0.5) binds Tax and Post, Nation only Gov
    assert (nation["binds"], nation["unlock"]) == (1, pytest.approx(0.0))
    assert (gov["binding"], gov["binds"], gov["unlock"]) == ("Nation", 2, pytest.approx(0.1))  # Tax 0.5 -> 0.6
    assert (tax["binding"], post["binding"]) == ("Nation.Gov", "Nation.Gov")


def test_eval_unlock_by_hand(project: Path) -> None:
    ev = spherelang.evaluate(str(project / "reforms.sphere"))
    nation = ev.sphere("Nation")
    assert nation is not None and nation.binds == 3
    assert nation.unlock == pytest.approx(0.2 + 0.2)  # Gov 0.3 -> 0.5, Tax 0.3 -> 0.5
    gov = ev.sphere("Nation.Gov")
    assert gov is not None and (gov.binding, gov.binds, gov.unlock) == ("Nation", 0, 0.0)


def test_eval_text_bound_by_limits_and_legend(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["eval", "reforms.sphere"], capsys)
    assert status == 0
    header = out.splitlines()[1]
    assert header.split()[-2:] == ["bound", "by"]
    assert any(line.startswith("  Gov ") and line.rstrip().endswith("Nation") for line in out.splitlines())
    assert ("Nation (political, capacity 0.30) sets the ceiling of 3 spheres; lifting its limit would unlock "
            "0.40 of effective capacity") in out
    for word in ("capacity", "ceiling", "effective", "headroom", "gap to ceiling", "bound by"):
        assert word in out.split("how to read the figures")[1]


def test_eval_text_limits_order_and_none(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["eval", "ties.sphere"], capsys)
    limits = out.split("limits (")[1].split("\n\n")[0].splitlines()[1:]
    assert [line.split()[0] for line in limits] == ["Root", "Admin"]  # both unlock 0: by path
    assert "unlock nothing" in limits[0]
    _, out, _ = run(["eval", "nothing.sphere"], capsys)
    assert "none: no sphere's capacity sets the ceiling of another" in out


def test_eval_scenario_text_says_what_changes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["eval", "reforms.sphere", "--scenario", "politics"], capsys)
    assert "Gov now binds 2 spheres (was 0)" in out
    assert "Nation → Gov" in out  # Tax's binding sphere, before and after


def test_nothing_binds(project: Path) -> None:
    ev = spherelang.evaluate(str(project / "nothing.sphere"))
    assert [(s.binding, s.binds, s.unlock) for s in ev.spheres] == [(None, 0, 0.0), (None, 0, None), (None, 0, 0.0)]


# ------------------------------------------------------------------ rule attributes


def test_rule_attributes(project: Path) -> None:
    rules = """
rule ORG001 "a sphere binds at most two others" warning {
  for s in spheres where s.binds > 2
  require false
  message "{s.name} binds {s.binds} and would unlock {s.unlock}"
}
rule ORG002 "bound by the political layer" info {
  for s in spheres where s.binding != null
  require s.binding.layer == "political"
}
rule ORG003 "unlock is null without a capacity" {
  for s in spheres
  require (s.capacity == null) == (s.unlock == null)
}
"""
    (project / "rules.sphere").write_text(REFORMS + rules, encoding="utf-8")
    report = spherelang.check(str(project / "rules.sphere"), select=["ORG"])
    got = sorted((v.code, v.sphere) for v in report.violations)
    assert got == [("ORG001", "Nation")]
    (message,) = [v.message for v in report.violations]
    assert message.startswith("Nation binds 3 and would unlock 0.4")
    report = spherelang.check(str(project / "ties.sphere").replace("ties", "ties"), select=["ORG"])
    assert report.violations == ()


def test_rule_unknown_attribute_still_rul001(project: Path) -> None:
    rules = 'rule ORG009 "x" {\n  for s in spheres\n  require s.binding.nope == 1\n}\n'
    (project / "bad.sphere").write_text(REFORMS + rules, encoding="utf-8")
    report = spherelang.check(str(project / "bad.sphere"), select=["RUL001"])
    assert [v.code for v in report.violations] == ["RUL001"]


# ------------------------------------------------------------------ reforms


def test_reforms_json_ranked_by_hand(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["reforms", "reforms.sphere", "--format", "json"], capsys)
    assert status == 0  # the baseline has COR001 infos and an ELA001 warning: reforms exits 0 anyway
    data = json.loads(out)
    assert list(data) == ["version", "reforms"] and data["version"] == 1
    rows = data["reforms"]
    assert list(rows[0]) == ["rank", "scenario", "title", "gain", "raised", "lowered", "added", "removed", "fixed",
                             "introduced"]
    # politics and zeta differ by 1e-10: a tie, ordered by name; admin and swap gain 0: by name
    assert [(r["rank"], r["scenario"]) for r in rows] == [(1, "politics"), (2, "zeta"), (3, "admin"), (4, "swap"),
                                                          (5, "worse")]
    politics, zeta, admin, swap, worse = rows
    assert politics["title"] == "Politics first" and admin["title"] is None
    # Nation 0.3 -> 0.6, Gov 0.3 -> 0.5, Tax 0.3 -> 0.5; Gov's COR001 is fixed, Tax's stays
    assert politics["gain"] == pytest.approx(0.7)
    assert (politics["raised"], politics["lowered"], politics["fixed"], politics["introduced"]) == (1 + 2, 0, 1, 0)
    assert zeta["gain"] == pytest.approx(0.7)
    assert (admin["gain"], admin["raised"], admin["fixed"], admin["introduced"]) == (0.0, 0, 0, 0)
    # Post removed, Court added (0.2, under the ceiling: no COR001); the others do not move
    assert (swap["gain"], swap["added"], swap["removed"], swap["introduced"]) == (0.0, 1, 1, 0)
    assert worse["gain"] == pytest.approx(-0.6) and (worse["raised"], worse["lowered"]) == (0, 3)


def test_reforms_text_words(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["reforms", "reforms.sphere"], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[1].split() == ["rank", "scenario", "gain", "raised", "lowered", "added", "removed", "fixed",
                                "introduced"]
    assert lines[2].split()[:3] == ["1", "politics", "+0.70"]
    words = {line.split(".", 1)[1].split()[0].rstrip(":"): line for line in lines if line.startswith("  ") and ". " in line}
    assert "Gov now binds 2 spheres (was 0)" in words["politics"]
    assert "Nation now binds 1 sphere (was 3)" in words["politics"]
    assert "Nation still binds 3 spheres; no sphere's effective capacity changes" in words["admin"]
    assert "adds 1 sphere, removes 1" in words["swap"]
    assert "falls in 3 spheres (-0.60 in all)" in words["worse"]


def test_reforms_without_scenarios(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["reforms", "ties.sphere"], capsys)
    assert status == 0 and "no scenarios" in out
    status, out, _ = run(["reforms", "ties.sphere", "--format", "json"], capsys)
    assert status == 0 and json.loads(out) == {"version": 1, "reforms": []}


@pytest.mark.parametrize("command", [["reforms"], ["compare"], ["compare", "ties.sphere"]])
def test_broken_model_prints_loading_diagnostics_like_check(project: Path, capsys: pytest.CaptureFixture[str],
                                                            command: list[str]) -> None:
    _, expected, _ = run(["check", "broken.sphere"], capsys)
    status, out, err = run([*command, "broken.sphere"], capsys)
    assert status == 1 and "SPH001" in out and "Traceback" not in err
    assert out.replace("2 files", "1 file") == expected
    status, out, _ = run([*command, "broken.sphere", "--format", "json"], capsys)
    assert status == 1 and [v["code"] for v in json.loads(out)["violations"]] == ["SPH001"]


@pytest.mark.parametrize("args", [["reforms", "missing.sphere"], ["compare", "missing.sphere"], ["compare"],
                                  ["reforms", "reforms.sphere", "--format", "xml"]])
def test_usage_errors_exit_2(project: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    status, _, err = run(args, capsys)
    assert status == 2 and "Traceback" not in err and err


def test_api_rank_reforms_matches_eval(project: Path) -> None:
    path = str(project / "reforms.sphere")
    by_path = spherelang.rank_reforms(path)
    by_model = spherelang.rank_reforms(spherelang.load(path))
    assert [(r.scenario, r.gain) for r in by_path.reforms] == [(r.scenario, r.gain) for r in by_model.reforms]
    assert isinstance(by_path, spherelang.Reforms) and isinstance(by_path.reforms[0], spherelang.Reform)
    for reform in by_path.reforms:
        ev = spherelang.evaluate(path, reform.scenario)
        assert tuple(v.identity for v in ev.fixed) == tuple(v.identity for v in reform.fixed)
        assert tuple(v.identity for v in ev.introduced) == tuple(v.identity for v in reform.introduced)
    with pytest.raises(spherelang.SphereUsageError):
        spherelang.rank_reforms(42)  # type: ignore[arg-type]


# ------------------------------------------------------------------ compare


def test_compare_json_by_hand(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["compare", "ties.sphere", "other.sphere", "--format", "json"], capsys)
    assert status == 0
    data = json.loads(out)
    assert list(data) == ["version", "layers", "models"] and data["version"] == 1
    assert data["layers"] == ["political", "administrative", "operational", "body", "national", "regional", "local"]
    ties, other = data["models"]
    assert list(ties) == ["file", "title", "layers", "binding", "binds", "held", "illustrative"]
    assert ties["file"] == "ties.sphere" and ties["title"] == "Tie land"
    assert ties["layers"] == {"political": 0.4, "administrative": 0.4, "operational": 0.9, "body": 0.7,
                              "national": None, "regional": None, "local": None}
    # Ops (allowed COR001, counted all the same) and Office are held at 0.4
    assert (ties["binding"], ties["binds"], ties["held"], ties["illustrative"]) == ("Root.Admin", 4, 2, [])
    assert other["title"] is None
    assert other["layers"]["regional"] == pytest.approx(0.55) and other["layers"]["political"] is None
    # Country binds North, South and Town (Town's ceiling is min(0.6, 0.9)); South and Town are held
    assert (other["binding"], other["binds"], other["held"]) == ("Country", 3, 2)


def test_compare_layers_of_the_first_model_even_empty(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["compare", "other.sphere", "nothing.sphere", "--format", "json"], capsys)
    data = json.loads(out)
    assert data["layers"] == ["national", "regional", "local", "political", "administrative", "operational", "body"]
    nothing = data["models"][1]
    assert (nothing["binding"], nothing["binds"], nothing["held"]) == (None, 0, 0)
    assert nothing["layers"]["administrative"] == 0.9 and nothing["layers"]["body"] is None


def test_compare_binding_tie_goes_to_first_in_tree_order(project: Path) -> None:
    (project / "two.sphere").write_text(
        "sphere B : political { capacity 0.2\n  sphere b : body { capacity 0.9 } }\n"
        "sphere A : political { capacity 0.1\n  sphere a : body { } }\n", encoding="utf-8")
    result = spherelang.compare(str(project / "two.sphere"))
    (row,) = result.models
    assert (row.summary.binding, row.summary.binds) == ("B", 1)


def test_compare_text(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["compare", "ties.sphere", "other.sphere"], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[1].split() == ["model", "political", "administrative", "operational", "body", "national",
                                "regional", "local", "binds", "most", "binds", "held"]
    assert lines[2].split() == ["Tie", "land", "0.40", "0.40", "0.90", "0.70", "-", "-", "-", "Admin", "4", "2"]
    assert lines[3].split() == ["other.sphere", "-", "-", "-", "-", "0.60", "0.55", "0.95", "Country", "3", "2"]


def test_the_report_ranks_the_reforms(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = run(["report", "reforms.sphere", "-o", "r.html"], capsys)
    page = (project / "r.html").read_text()
    ranked = spherelang.rank_reforms(project / "reforms.sphere").reforms
    assert status == 0 and 'id="reforms"' in page
    section = page[page.index('id="reforms"'):page.index("</section>", page.index('id="reforms"'))]
    assert [section.index(f">{r.scenario}") for r in ranked] == sorted(section.index(f">{r.scenario}") for r in ranked)
    status, _, _ = run(["report", "ties.sphere", "-o", "t.html"], capsys)
    assert 'id="reforms"' not in (project / "t.html").read_text()  # no scenarios, nothing to rank


def test_compare_writes_a_page_with_a_bar_per_model_and_layer(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = run(["compare", "reforms.sphere", "other.sphere", "--html", "c.html"], capsys)
    page = (project / "c.html").read_text()
    comparison = spherelang.compare([project / "reforms.sphere", project / "other.sphere"])
    bars = sum(1 for m in comparison.models for layer in comparison.layers if m.summary.mean(layer) is not None)
    assert status == 0 and page.count("<rect x=") - len(comparison.models) == bars  # legend swatches aside
    assert all(layer in page for layer in comparison.layers)
