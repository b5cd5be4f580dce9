"""The command line: formats, exit statuses, usage errors, directories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spherelang.cli import main

CLEAN = """\
sphere Nation : political {
  channel elections strength 0.6
  power tax
  resource revenue = 100 USD
  responsibility collection requires tax, revenue
}
"""
WARNING_ONLY = CLEAN.replace("  power tax\n", "  power tax\n  resource spare = 5 USD\n")
ERROR = CLEAN.replace("requires tax, revenue", "requires tax, revenu")


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
    return tmp_path


@pytest.mark.parametrize(
    ("text", "fail_on", "status"),
    [
        (CLEAN, None, 0),
        (WARNING_ONLY, None, 0),
        (WARNING_ONLY, "warning", 1),
        (WARNING_ONLY, "error", 0),
        (ERROR, None, 1),
        ("sphere {", None, 1),
    ],
)
def test_exit_status_matrix(project: Path, capsys: pytest.CaptureFixture[str], text: str, fail_on: str | None,
                            status: int) -> None:
    (project / "m.sphere").write_text(text)
    args = ["check", "m.sphere"] + (["--fail-on", fail_on] if fail_on else [])
    assert run(args, capsys)[0] == status


def test_text_output_has_location_snippet_caret_hint_and_summary(project: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.sphere").write_text(ERROR)
    status, out, _ = run(["check", "m.sphere"], capsys)
    assert status == 1
    assert ("m.sphere:5:3: REF001 [error] unknown name 'revenu' in the requirements of "
            "responsibility 'collection'; did you mean 'revenue'?") in out.splitlines()
    assert "5 |   responsibility collection requires tax, revenu" in out
    assert "  |   ^^^^^^^^^^^^^^" in out
    assert "= hint: 'requires' names powers and resources of 'Nation' itself" in out
    assert out.rstrip().endswith("Found 1 error, 1 warning and 0 infos in 1 file.")
    assert "\x1b[" not in out  # NO_COLOR


def test_json_output_shape(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.sphere").write_text(ERROR)
    status, out, _ = run(["check", "--format", "json", "m.sphere"], capsys)
    data = json.loads(out)
    assert status == 1
    assert data["version"] == 1
    assert data["summary"] == {"files": 1, "errors": 1, "warnings": 1, "infos": 0}
    first = data["violations"][1]
    # the contract's fields in its order, then the related locations (an extension: a list, here empty)
    assert list(first) == ["code", "severity", "message", "file", "line", "column", "end_line", "end_column",
                           "sphere", "hint", "related"]
    assert first["related"] == []
    assert (first["code"], first["file"], first["line"], first["column"]) == ("REF001", "m.sphere", 5, 3)
    assert first["sphere"] == "Nation" and first["end_column"] == 49


def test_select_and_ignore(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.sphere").write_text(ERROR)
    codes = lambda out: {v["code"] for v in json.loads(out)["violations"]}  # noqa: E731
    assert codes(run(["check", "--format", "json", "--select", "REF", "m.sphere"], capsys)[1]) == {"REF001"}
    assert codes(run(["check", "--format", "json", "--ignore", "REF001", "m.sphere"], capsys)[1]) == {"BAL004"}
    status, out, _ = run(["check", "--format", "json", "--ignore", "REF001,BAL", "m.sphere"], capsys)
    assert (status, codes(out)) == (0, set())


def test_directories_are_searched_and_shared_files_reported_once(project: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (project / "nation.sphere").write_text(ERROR)
    sub = project / "bodies"
    sub.mkdir()
    (sub / "a.sphere").write_text('import "../nation.sphere"\n')
    (sub / "b.sphere").write_text('import "../nation.sphere"\n')
    (sub / "notes.txt").write_text("sphere {")
    status, out, _ = run(["check", "--format", "json", "."], capsys)
    data = json.loads(out)
    assert status == 1
    assert [v["code"] for v in data["violations"]] == ["REF001", "BAL004"][::-1] or \
        sorted(v["code"] for v in data["violations"]) == ["BAL004", "REF001"]
    assert data["summary"]["files"] == 3


@pytest.mark.parametrize(
    "args",
    [
        ["check", "missing.sphere"],
        ["check", "--format", "yaml", "m.sphere"],
        ["check", "--fail-on", "fatal", "m.sphere"],
        ["check", "--select", "BAL-1", "m.sphere"],
        ["check", "--scenario", "nope", "m.sphere"],
        ["eval", "m.sphere", "--scenario", "nope"],
        ["explain", "XYZ999"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2_with_one_line(project: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    (project / "m.sphere").write_text(CLEAN)
    status, out, err = run(args, capsys)
    assert status == 2
    assert "Traceback" not in out + err
    assert err.strip()


def test_unknown_scenario_lists_the_known_ones(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.sphere").write_text(CLEAN + 'scenario reform { in Nation { channel media strength 0.5 } }\n')
    status, _, err = run(["eval", "m.sphere", "--scenario", "nope"], capsys)
    assert status == 2 and "reform" in err


def test_explain_prints_the_documentation(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["explain", "bal003"], capsys)
    assert status == 0
    assert out.startswith("BAL003 (unfunded-mandate)")
    assert "## Why it matters" in out and "## How to fix" in out


def test_rules_lists_every_builtin_code(capsys: pytest.CaptureFixture[str]) -> None:
    from spherelang.checks import CODES

    status, out, _ = run(["rules"], capsys)
    assert status == 0
    assert [line.split()[0] for line in out.splitlines()][: len(CODES)] == list(CODES)


def test_python_dash_m_and_version() -> None:
    result = subprocess.run([sys.executable, "-m", "spherelang", "--version"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0 and "sphere" in result.stdout


def test_internal_errors_are_reported_as_bugs(project: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import spherelang.pipeline

    def boom(*_: object, **__: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(spherelang.pipeline, "check_entries", boom)
    (project / "m.sphere").write_text(CLEAN)
    status, out, err = run(["check", "m.sphere"], capsys)
    assert status == 2 and "internal error" in err and "bug" in err and "Traceback" not in err


def test_colour_on_request(project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    (project / "m.sphere").write_text(ERROR)
    _, out, _ = run(["check", "m.sphere"], capsys)
    assert "\x1b[" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(["check", "m.sphere"], capsys)
    assert "\x1b[" not in out


def test_eval_json_shape(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = CLEAN.replace("  power tax\n", "  power tax\n  indicator rol = 51 of 101\n")
    (project / "m.sphere").write_text(text + 'scenario reform {\n in Nation { indicator rol = 11 of 101 }\n}\n')
    status, out, _ = run(["eval", "m.sphere", "--format", "json", "--scenario", "reform"], capsys)
    data = json.loads(out)
    assert status == 0
    assert data["scenario"] == "reform"
    (nation,) = data["spheres"]
    assert nation["path"] == "Nation" and nation["capacity"] == pytest.approx(0.9)
    assert nation["baseline"]["capacity"] == pytest.approx(0.5)
    assert nation["ceiling"] is None and nation["elasticity"] == pytest.approx(0.6)
    assert data["fixed"] == [] and data["introduced"] == []
    assert os.path.basename(__file__)


def test_jobs_give_the_same_report_as_a_serial_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(6):
        (project / f"m{i}.sphere").write_text(ERROR if i % 2 else WARNING_ONLY)
    (project / "shared.sphere").write_text(CLEAN)
    (project / "user.sphere").write_text('import "shared.sphere"\n')
    serial = run(["check", "--format", "json", "--jobs", "1", "."], capsys)
    parallel = run(["check", "--format", "json", "--jobs", "2", "."], capsys)
    assert serial == parallel
    assert json.loads(serial[1])["summary"]["files"] == 8


def test_graph_report_and_dump_commands(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from xml.etree import ElementTree as ET

    (project / "m.sphere").write_text(ERROR)
    status, out, _ = run(["graph", "m.sphere"], capsys)
    assert status == 0 and ET.fromstring(out).tag.endswith("svg")
    status, out, _ = run(["graph", "--format", "dot", "m.sphere"], capsys)
    assert status == 0 and "digraph spheres {" in out
    status, _, err = run(["report", "m.sphere", "-o", "r.html"], capsys)
    html = (project / "r.html").read_text()
    assert status == 0 and "REF001" in html and "Nation" in html and "wrote r.html" in err
    status, out, _ = run(["dump", "m.sphere"], capsys)
    data = json.loads(out)
    assert (data["version"], data["kind"]) == (1, "spherelang.model")
    (nation,) = data["spheres"]
    assert nation["resources"][0] == {"name": "revenue", "amount": 100, "unit": "USD", "source": None,
                                      "grant": "root", "allocated": 0, "required": 0, "available": 100}
    assert nation["responsibilities"][0]["requires"][1]["status"] == "unknown"


def test_fmt_command(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = "sphere   Nation:political{\n channel elections strength 0.6;power tax\n}\n"
    (project / "m.sphere").write_text(messy)
    (project / "bad.sphere").write_text("sphere {\n")
    status, out, err = run(["fmt", "--check", "m.sphere"], capsys)
    assert status == 1 and "would reformat: m.sphere" in out
    assert (project / "m.sphere").read_text() == messy
    status, _, err = run(["fmt", "m.sphere", "bad.sphere"], capsys)
    assert status == 1 and "bad.sphere:1:8: SPH001" in err
    assert (project / "bad.sphere").read_text() == "sphere {\n"
    assert (project / "m.sphere").read_text() == (
        "sphere Nation : political {\n  channel elections strength 0.6\n  power tax\n}\n")
    assert run(["fmt", "--check", "m.sphere"], capsys)[0] == 0


def test_a_syntax_error_is_reported_even_with_a_scenario(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 1 with the SPH001, not a usage error for a scenario the broken file may well declare."""
    (project / "m.sphere").write_text(CLEAN.replace("power tax", "power = 3") + "scenario s { in Nation { capacity 0.5 } }\n")
    code, out, _ = run(["check", "--no-cache", "--scenario", "s", "--format", "json", "m.sphere"], capsys)
    assert code == 1 and [v["code"] for v in json.loads(out)["violations"]] == ["SPH001"]
    code, _, err = run(["graph", "--scenario", "s", "-o", str(project / "m.svg"), "m.sphere"], capsys)
    assert code == 1 and "SPH001" in err


def test_selectors_take_user_rule_codes_as_written(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A rule's CODE is any NAME (LANGUAGE.md §3): --select/--ignore take them, in any case."""
    (project / "m.sphere").write_text(CLEAN + 'rule no_power "x" warning { for p in powers; require false }\n'
                                      'rule R2D2 "y" warning { for p in powers; require false }\n')

    def codes(*args: str) -> list[str]:
        _, out, _ = run(["check", "--no-cache", "--format", "json", *args, "m.sphere"], capsys)
        return sorted(v["code"] for v in json.loads(out)["violations"])

    assert codes() == ["R2D2", "no_power"]
    assert codes("--select", "no_power") == ["no_power"]
    assert codes("--select", "NO_POWER") == ["no_power"]
    assert codes("--ignore", "R2D2") == ["no_power"]
    assert codes("--select", "r2") == ["R2D2"]
    code, _, err = run(["check", "--select", "not a code", "m.sphere"], capsys)
    assert code == 2 and "not a code" in err


def test_sphere_test_reads_expectations_of_any_rule_code(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.sphere").write_text(
        CLEAN.replace("  power tax\n", "  power tax\n  power spare                 // expect: BAL001, no_power, Правило1\n")
        .replace("requires tax, revenue", "requires tax, revenue") +
        'rule no_power "x" warning { for p in powers where p.name == "spare"; require false }\n'
        'rule Правило1 "y" warning { for p in powers where p.name == "spare"; require false }\n')
    code, out, _ = run(["test", "m.sphere"], capsys)
    assert code == 0, out


@pytest.mark.parametrize("selection", [["--select", "BAL"], ["--ignore", "SPH"], ["--ignore", "ALL"]])
def test_selection_never_hides_a_syntax_error(project: Path, capsys: pytest.CaptureFixture[str],
                                              selection: list[str]) -> None:
    (project / "m.sphere").write_text(CLEAN.replace("power tax", "power = 3"))
    code, out, _ = run(["check", "--no-cache", "--format", "json", *selection, "m.sphere"], capsys)
    assert code == 1 and [v["code"] for v in json.loads(out)["violations"]] == ["SPH001"]


def test_a_vanished_working_directory_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m.sphere").write_text(CLEAN)
    gone = tmp_path / "gone"
    gone.mkdir()
    here = os.getcwd()
    os.chdir(gone)
    gone.rmdir()
    try:
        code, _, err = run(["check", str(tmp_path / "m.sphere")], capsys)
    finally:
        os.chdir(here)
    assert code == 2 and "working directory is gone" in err and "internal error" not in err


@pytest.mark.parametrize("args, words", [
    (["--select", "NOPE999"], "unknown code or prefix 'NOPE999' in --select"),
    (["--ignore", "BAL0003"], "did you mean 'BAL003'?"),
])
def test_an_unknown_selector_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                              words: str) -> None:
    (project / "m.sphere").write_text(CLEAN)
    status, out, err = run(["check", *args, "m.sphere"], capsys)
    assert status == 2 and words in err


def test_a_severity_key_must_be_a_code_not_a_prefix(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.sphere").write_text(CLEAN)
    (project / "sphere.toml").write_text('[severity]\nBAL = "warning"\n')
    status, _, err = run(["check", "m.sphere"], capsys)
    assert status == 2 and "'BAL' in [severity]" in err


def test_selectors_that_name_codes_rules_or_prefixes_are_fine(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "m.sphere").write_text(CLEAN + 'rule no_power "x" { for s in spheres; require true }\n')
    for args in (["--select", "BAL,NEST002"], ["--select", "no_power"], ["--ignore", "cor"], ["--select", "ALL"]):
        status, _, err = run(["check", *args, "m.sphere"], capsys)
        assert status == 0, (args, err)


def test_checking_nothing_says_so(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "empty").mkdir()
    status, _, err = run(["check", "empty"], capsys)
    assert status == 2 and "no .sphere file to check" in err


@pytest.mark.parametrize("args", [
    ["check", "m.sphere", "-o", "missing/out.json"],
    ["report", "m.sphere", "-o", "missing/out.html"],
    ["graph", "m.sphere", "-o", "missing/out.svg"],
    ["compare", "m.sphere", "--html", "missing/out.html"],
])
def test_an_output_file_that_cannot_be_written_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str],
                                                                  args: list[str]) -> None:
    (project / "m.sphere").write_text(CLEAN)
    status, _, err = run(args, capsys)
    assert status == 2 and "missing/out" in err and "internal error" not in err
