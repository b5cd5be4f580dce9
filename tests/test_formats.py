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
