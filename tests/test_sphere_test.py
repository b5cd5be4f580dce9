"""`sphere test`: expectations in comments, mismatches, rule coverage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spherelang.checks import CODES
from spherelang.cli import main

PASSING = """\
rule ORG001 "bodies hold two powers" warning {
  for s in spheres where s.layer == "body"
  require count(s.powers) >= 2
}
rule ORG002 "never fires" { for s in spheres
  require true }
sphere Nation : political {
  channel elections strength 0.6
  power tax
  power seize                                     // expect: BAL001
  resource revenue = 100 USD
  responsibility collection requires tax, revenue
  sphere Customs : body {                         // expect: ORG001
    power tax
    resource share = 10 USD from Nation.revenue
    responsibility clearing requires tax, share
  }
}
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(["test", *args])
    return int(info.value.code or 0), capsys.readouterr().out


@pytest.fixture
def cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sphere.toml").write_text("")
    (tmp_path / "ok.sphere").write_text(PASSING)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_passing_file(cases: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(["ok.sphere"], capsys)
    assert status == 0 and out.strip().endswith("1 file(s) tested: ok")


def test_mismatches_are_listed_and_fail(cases: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cases / "bad.sphere").write_text(PASSING.replace("// expect: BAL001", "// expect: BAL004")
                                      .replace("  resource revenue = 100 USD", "  resource revenue = 100 USD  // expect: NEST003"))
    status, out = run(["bad.sphere"], capsys)
    assert status == 1
    assert "bad.sphere:10: expected ['BAL004'], got ['BAL001']" in out
    assert "bad.sphere:11: expected ['NEST003'], got []" in out


def test_message_text_expectations(cases: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cases / "t.sphere").write_text(PASSING.replace("// expect: BAL001", '// expect: BAL001 ~ "seize"'))
    assert run(["t.sphere"], capsys)[0] == 0
    (cases / "t.sphere").write_text(PASSING.replace("// expect: BAL001", '// expect: BAL001 ~ "tax"'))
    status, out = run(["t.sphere"], capsys)
    assert status == 1 and "no message contains 'tax'" in out


def test_coverage_counts_builtin_and_user_codes(cases: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(["--coverage", "--format", "json", "ok.sphere"], capsys)
    data = json.loads(out)
    assert status == 0
    assert data["exercised"] == ["BAL001", "ORG001"]
    assert "ORG002" in data["missed"] and "NEST003" in data["missed"]
    total = len(CODES) + 2
    assert data["coverage"] == pytest.approx(round(100 * 2 / total, 2))


def test_coverage_minimum(cases: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(["--coverage-min", "50", "ok.sphere"], capsys)
    assert status == 1 and "below the minimum 50%" in out
    assert run(["--coverage-min", "5", "ok.sphere"], capsys)[0] == 0
