"""Configuration files and their precedence under command-line options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spherelang.cli import main

MODEL = """\
sphere Nation : political {
  channel elections strength 0.2
  power tax
  resource revenue = 100 USD
  resource spare = 1 USD
  responsibility collection requires tax, revenue
}
"""


def codes(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    with pytest.raises(SystemExit) as info:
        main(["check", "--format", "json", *args])
    data = json.loads(capsys.readouterr().out)
    return int(info.value.code or 0), {v["code"]: v["severity"] for v in data["violations"]}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "m.sphere").write_text(MODEL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_without_configuration(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert codes(["m.sphere"], capsys) == (0, {"BAL004": "warning", "ELA002": "warning"})


def test_pyproject_table_and_precedence(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.spherelang]\nignore = ["ELA"]\nfail-on = "warning"\n'
        '[tool.spherelang.severity]\nBAL004 = "error"\n')
    assert codes(["m.sphere"], capsys) == (1, {"BAL004": "error"})
    # --ignore adds to the file's ignore (ruff); --select replaces the file's selection, its ignore included
    assert codes(["--ignore", "BAL004", "m.sphere"], capsys) == (0, {})
    assert codes(["--select", "ELA", "m.sphere"], capsys) == (1, {"ELA002": "warning"})
    assert codes(["--fail-on", "error", "--ignore", "ELA", "m.sphere"], capsys)[0] == 1


def test_sphere_toml_wins_over_pyproject_and_thresholds_apply(project: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text('[tool.spherelang]\nignore = ["BAL"]\n')
    (project / "sphere.toml").write_text("elasticity-threshold = 0.1\n")
    assert codes(["m.sphere"], capsys) == (0, {"BAL004": "warning"})


def test_explicit_config_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "other.toml").write_text('select = ["ELA"]\n')
    assert codes(["--config", "other.toml", "m.sphere"], capsys) == (0, {"ELA002": "warning"})


def test_configuration_found_above_the_checked_path(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sub = project / "models"
    sub.mkdir()
    (sub / "m.sphere").write_text(MODEL)
    (project / "sphere.toml").write_text('ignore = ["BAL004"]\n')
    assert codes(["models"], capsys)[1] == {"ELA002": "warning"}


def test_exclude_globs_in_directory_scans(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drafts = project / "drafts"
    drafts.mkdir()
    (drafts / "broken.sphere").write_text("sphere {")
    (project / "sphere.toml").write_text('exclude = ["drafts"]\n')
    assert "SPH001" not in codes(["."], capsys)[1]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("colour = true\n", "unknown key 'colour'"),
        ('fail-on = "fatal"\n', "'fail-on'"),
        ("corridor-tolerance = -1\n", "'corridor-tolerance'"),
        ("rule-budget = 0\n", "'rule-budget'"),
        ('select = "BAL"\n', "'select'"),
        ('[severity]\nBAL004 = "loud"\n', "'severity.BAL004'"),
        ("this is not toml\n", "cannot read"),
    ],
)
def test_bad_configuration_exits_2_naming_it(project: Path, capsys: pytest.CaptureFixture[str], content: str,
                                             words: str) -> None:
    (project / "sphere.toml").write_text(content)
    with pytest.raises(SystemExit) as info:
        main(["check", "m.sphere"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and words in err and "Traceback" not in err
    assert "sphere.toml" in err  # each entry may have its own configuration: the message names the file
