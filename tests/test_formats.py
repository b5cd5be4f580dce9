"""Machine-readable formats: SARIF, GitHub annotations, JUnit, statistics."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from spherelang.cli import main

DATA = Path(__file__).parent / "data"
MODEL = """\
rule ORG001 "every body holds at least two powers" warning {
  for s in spheres where s.layer == "body"
  require count(s.powers) >= 2
}
sphere Nation : political {
  channel elections strength 0.6
  indicator rule_of_law = 150 of 200
  power tax
  resource revenue = 100 USD
  responsibility collection requires tax, revenue, staff
  sphere Customs : body {
    indicator clearance = 2 in 0..10 lower_is_better
    power tax
    resource share = 120 USD from Nation.revenue
    responsibility clearing requires tax, share
  }
}
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    return int(info.value.code or 0), capsys.readouterr().out


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sphere.toml").write_text("")
    (tmp_path / "m.sphere").write_text(MODEL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sarif_is_valid_and_complete(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(["check", "--format", "sarif", "m.sphere"], capsys)
    log = json.loads(out)
    schema = json.loads((DATA / "sarif-subset.schema.json").read_text())
    jsonschema.validate(log, schema, format_checker=jsonschema.FormatChecker())
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "spherelang" and driver["version"]
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {"REF001", "NEST003", "COR001", "ORG001"}
    assert rules["NEST003"]["defaultConfiguration"]["level"] == "error"
    assert rules["COR001"]["defaultConfiguration"]["level"] == "note"
    assert rules["ORG001"]["shortDescription"]["text"] == "every body holds at least two powers"
    assert "fullDescription" in rules["NEST003"]
    assert run_["columnKind"] == "unicodeCodePoints"
    levels = {r["ruleId"]: r["level"] for r in run_["results"]}
    assert levels == {"REF001": "error", "NEST003": "error", "COR001": "note", "ORG001": "warning"}
    for result in run_["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == "m.sphere"
        assert set(loc["region"]) == {"startLine", "startColumn", "endLine", "endColumn"}
    assert status == 1


def test_github_annotations(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(["check", "--format", "github", "m.sphere"], capsys)
    lines = out.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("::error file=m.sphere,line=9,col=3,endLine=9,endColumn=")
    assert ",title=NEST003::allocations from resource 'revenue'" in lines[0]
    assert any(line.startswith("::notice ") and "title=COR001" in line for line in lines)
    assert any(line.startswith("::warning ") and "title=ORG001" in line for line in lines)


def test_github_escapes_newlines_and_percent() -> None:
    from spherelang.diagnostics import Diagnostic, Severity, Span
    from spherelang.report.github import annotation

    d = Diagnostic("X1", Severity.ERROR, "50% of\nit", Span("a,b:c.sphere", 1, 1, 1, 2))
    assert annotation(d) == "::error file=a%2Cb%3Ac.sphere,line=1,col=1,endLine=1,endColumn=2,title=X1::50%25 of%0Ait"


def test_junit_is_xml_with_a_failure_per_violation(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(["check", "--format", "junit", "m.sphere"], capsys)
    root = ET.fromstring(out.encode())
    failures = root.findall(".//failure")
    # COR001 (info) and ORG001 (a warning rule) are below the default --fail-on: passing cases that say
    # what they found
    assert root.get("failures") == "2" and len(failures) == 2
    assert {f.get("type") for f in failures} == {"REF001", "NEST003"}
    assert root.get("tests") == str(sum(int(s.get("tests") or 0) for s in root.findall("testsuite")))
    assert all(c.get("line") is None for c in root.iter("testcase"))  # junit-10.xsd knows no 'line'
    assert any("COR001" in (o.text or "") for o in root.iter("system-out"))
    _, out = run(["check", "--format", "junit", "--fail-on", "info", "m.sphere"], capsys)
    assert ET.fromstring(out.encode()).get("failures") == "4"


def test_statistics_and_output_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(["check", "--statistics", "m.sphere"], capsys)
    assert status == 1
    assert out.splitlines()[0].split() == ["1", "COR001", "[info]"]
    status, out = run(["check", "--format", "json", "-o", "report.json", "m.sphere"], capsys)
    assert out == "" and status == 1
    assert len(json.loads((project / "report.json").read_text())["violations"]) == 4


def test_statistics_with_a_machine_format_go_to_stderr(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("sarif", "junit", "github", "gitlab"):
        with pytest.raises(SystemExit):
            main(["check", "--statistics", "--format", fmt, "-o", f"out.{fmt}", "m.sphere"])
        captured = capsys.readouterr()
        assert "COR001" in captured.err  # the counts
        written = (project / f"out.{fmt}").read_text()
        if fmt in ("sarif", "gitlab"):
            json.loads(written)  # still valid
        elif fmt == "junit":
            ET.fromstring(written.encode())


def test_gitlab_code_quality(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(["check", "--format", "gitlab", "m.sphere"], capsys)
    issues = json.loads(out)
    assert status == 1 and len(issues) == 4
    for item in issues:
        assert set(item) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert item["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert item["location"]["path"].endswith("m.sphere") and item["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == 4
    assert {i["check_name"]: i["severity"] for i in issues}["COR001"] == "info"


def test_sarif_uris_are_encoded_and_relative_to_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".git").mkdir()
    models = tmp_path / "models"
    models.mkdir()
    (models / "my model#1 100%.sphere").write_text("sphere N : political {\n  channel c strength 0.6\n  power p\n}\n")
    monkeypatch.chdir(models)
    _, out = run(["check", "--format", "sarif", "."], capsys)
    run_ = json.loads(out)["runs"][0]
    artifact = run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "models/my%20model%231%20100%25.sphere", "uriBaseId": "%SRCROOT%"}
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith(tmp_path.name + "/")
    assert run_["results"][0]["partialFingerprints"]["spherelangIdentity/v1"]


def _sarif(capsys: pytest.CaptureFixture[str], *paths: str) -> dict:
    _, out = run(["check", "--no-cache", "--format", "sarif", *paths], capsys)
    log = json.loads(out)
    schema = json.loads((DATA / "sarif-subset.schema.json").read_text())
    jsonschema.validate(log, schema, format_checker=jsonschema.FormatChecker())
    return log["runs"][0]


def test_sarif_rules_link_to_the_page_of_each_builtin_code(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from spherelang.checks import help_uri

    rules = {r["id"]: r for r in _sarif(capsys, "m.sphere")["tool"]["driver"]["rules"]}
    assert rules["NEST003"]["helpUri"] == help_uri("NEST003") and help_uri("NEST003").endswith("/NEST003.md")
    assert "helpUri" not in rules["ORG001"]  # a model's own rule has no page of ours


def test_a_user_rule_reusing_a_builtin_code_gets_its_own_rule_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The built-in ELA002's results keep the built-in's metadata, the user
    rule's results point at an entry that describes the user rule."""
    (tmp_path / "sphere.toml").write_text("")
    (tmp_path / "rules.sphere").write_text(
        'rule ELA002 "every administrative sphere declares a channel" warning {\n'
        '  for s in spheres where s.layer == "administrative"\n  require count(s.channels) > 0\n}\n')
    (tmp_path / "m.sphere").write_text(
        'import "rules.sphere"\nsphere Nation : political {\n  channel elections strength 0.1\n'
        "  sphere Gov : administrative { }\n  sphere Bank : administrative { }\n}\n")
    monkeypatch.chdir(tmp_path)
    run_ = _sarif(capsys, "m.sphere")
    rules = run_["tool"]["driver"]["rules"]
    assert [(r["id"], r["shortDescription"]["text"], r["properties"]["origin"]) for r in rules] == [
        ("ELA002", "a sphere's elasticity is below the threshold", "built-in"),
        ("ELA002/rules.sphere", "every administrative sphere declares a channel", "rule:rules.sphere"),
    ]
    by_rule = {}
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        by_rule.setdefault(result["ruleId"], []).append(result["message"]["text"])
    assert len(by_rule["ELA002"]) == 1 and "elasticity 0.10" in by_rule["ELA002"][0]
    assert len(by_rule["ELA002/rules.sphere"]) == 2
    assert "helpUri" in rules[0] and "helpUri" not in rules[1]


def test_diagnostics_record_who_found_them(tmp_path: Path) -> None:
    import spherelang
    from spherelang.diagnostics import BUILTIN

    (tmp_path / "sphere.toml").write_text("")
    (tmp_path / "m.sphere").write_text(MODEL)
    found = {d.code: d.origin for d in spherelang.check(tmp_path / "m.sphere").violations}
    assert found["NEST003"] == BUILTIN and found["REF001"] == BUILTIN
    assert found["ORG001"] == f"rule:{tmp_path / 'm.sphere'}"


def test_related_locations_carry_their_note_in_sarif_and_json(project: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    run_ = _sarif(capsys, "m.sphere")
    (nest,) = [r for r in run_["results"] if r["ruleId"] == "NEST003"]
    (related,) = nest["relatedLocations"]
    assert related["message"] == {"text": "draws 120 USD"}
    assert related["physicalLocation"]["region"]["startLine"] == 14
    _, out = run(["check", "--no-cache", "--format", "json", "m.sphere"], capsys)
    (nest,) = [v for v in json.loads(out)["violations"] if v["code"] == "NEST003"]
    assert nest["related"] == [{"file": "m.sphere", "line": 14, "column": 5, "end_line": 14, "end_column": 49,
                                "message": "draws 120 USD"}]


def test_rul001_carries_the_failing_expression_in_sarif(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "r.sphere").write_text('rule ORG009 "rooted" {\n  for s in spheres\n'
                                      '  require s.parent.layer == "political"\n}\n'
                                      "sphere N : political {\n  channel c strength 0.6\n}\n")
    run_ = _sarif(capsys, "r.sphere")
    (result,) = run_["results"]
    assert result["ruleId"] == "RUL001"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 11, "endLine": 3,
                                                     "endColumn": 25}
    assert related["message"]["text"] == "the expression that fails"
