"""Which configuration governs which file, and which files a run checks (ruff's
rules): each entry file's nearest configuration, command-line options over every
one; ``exclude`` gitignore-style and anchored at its file's directory; paths
named on the command line checked unless ``--force-exclude``."""

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
"""  # BAL004 (spare) and ELA002 (elasticity 0.2), both warnings


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(["check", "--no-cache", *args])
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def found(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[str, str, str]]]:
    status, out, err = run(["--format", "json", *args], capsys)
    assert status in (0, 1), err
    return status, [(v["file"], v["code"], v["severity"]) for v in json.loads(out)["violations"]]


def tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.fixture
def two_projects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    tree(tmp_path, {"a/m.sphere": MODEL, "a/sphere.toml": 'ignore = ["BAL004"]\nfail-on = "warning"\n',
                    "b/m.sphere": MODEL, "b/sphere.toml": 'ignore = ["ELA"]\n[severity]\nBAL004 = "info"\n'})
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------- the nearest configuration of each entry

def test_each_entry_uses_its_nearest_configuration_in_either_order(two_projects: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    forward = found(["a", "b"], capsys)
    assert forward == (1, [("a/m.sphere", "ELA002", "warning"), ("b/m.sphere", "BAL004", "info")])
    assert found(["b", "a"], capsys) == forward
    assert found(["b/m.sphere", "a/m.sphere"], capsys) == forward
    assert found(["."], capsys) == forward
    assert found(["--jobs", "2", "b", "a"], capsys) == forward  # each worker gets its entry's configuration
    for fmt in ("text", "sarif", "junit"):  # every format, byte for byte
        assert run(["--format", fmt, "a", "b"], capsys)[1] == run(["--format", fmt, "b", "a"], capsys)[1]


def test_the_command_line_overrides_every_configuration(two_projects: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # --select replaces each file's selection; [severity] and fail-on stay each file's
    assert found(["--select", "BAL", "b", "a"], capsys) == (
        1, [("a/m.sphere", "BAL004", "warning"), ("b/m.sphere", "BAL004", "info")])
    assert found(["--fail-on", "error", "a", "b"], capsys)[0] == 0
    # --config: one file for every entry
    (two_projects / "ci.toml").write_text('select = ["ELA"]\n')
    assert found(["--config", "ci.toml", "b", "a"], capsys)[1] == [
        ("a/m.sphere", "ELA002", "warning"), ("b/m.sphere", "ELA002", "warning")]


def test_the_strictest_fail_on_of_the_run_decides_the_exit_status(two_projects: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert found(["b"], capsys) == (0, [("b/m.sphere", "BAL004", "info")])
    (two_projects / "a" / "m.sphere").write_text("")  # a/ fails on warnings but finds nothing
    assert found(["a", "b"], capsys)[0] == 0
    (two_projects / "a" / "sphere.toml").write_text('fail-on = "info"\n')
    assert found(["b", "a"], capsys)[0] == 1


def test_a_nested_configuration_governs_its_own_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    tree(tmp_path, {"sphere.toml": 'ignore = ["ELA"]\n', "top.sphere": MODEL,
                    "inner/pyproject.toml": '[tool.spherelang]\nignore = ["BAL"]\n', "inner/m.sphere": MODEL,
                    "inner/deeper/m.sphere": MODEL})
    monkeypatch.chdir(tmp_path / "inner")
    expected = [("../top.sphere", "BAL004", "warning"), ("deeper/m.sphere", "ELA002", "warning"),
                ("m.sphere", "ELA002", "warning")]
    assert found(["..", "."], capsys)[1] == [(f.replace("../", str(tmp_path) + "/"), c, s) for f, c, s in expected]
    assert found(["m.sphere", "../top.sphere", "deeper"], capsys)[1] == found([".", ".."], capsys)[1]


# ---------------------------------------------------------------- exclude, anchored, gitignore-style

def test_exclude_is_anchored_at_the_configurations_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    tree(tmp_path, {"sphere.toml": 'exclude = ["models/drafts/", "/scratch.sphere"]\n',
                    "models/drafts/x.sphere": "sphere {", "models/ok.sphere": "",
                    "scratch.sphere": "sphere {", "models/scratch.sphere": "sphere {"})
    monkeypatch.chdir(tmp_path / "models")  # the patterns do not depend on where the command runs
    assert found(["."], capsys)[1] == [("scratch.sphere", "SPH001", "error")]
    monkeypatch.chdir(tmp_path)
    assert found(["."], capsys)[1] == [("models/scratch.sphere", "SPH001", "error")]


def test_exclude_has_gitignore_semantics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    tree(tmp_path, {"sphere.toml": 'exclude = ["drafts/*", "!drafts/keep.sphere", "*.tmp.sphere", "old/"]\n',
                    "drafts/x.sphere": "sphere {", "drafts/keep.sphere": "sphere {",
                    "sub/a.tmp.sphere": "sphere {", "sub/old/y.sphere": "sphere {", "old.sphere": "sphere {"})
    monkeypatch.chdir(tmp_path)
    assert [f for f, _, _ in found(["."], capsys)[1]] == ["drafts/keep.sphere", "old.sphere"]


def test_a_nested_configurations_exclude_is_anchored_at_its_own_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    tree(tmp_path, {"sphere.toml": 'exclude = ["/inner/skip/", "/vendor/"]\n',
                    "inner/sphere.toml": 'exclude = ["/gen/"]\n', "inner/gen/g.sphere": "sphere {",
                    "inner/skip/s.sphere": "sphere {", "gen/g.sphere": "sphere {",
                    "vendor/sphere.toml": "", "vendor/v.sphere": "sphere {"})
    monkeypatch.chdir(tmp_path)
    # what lies in inner/ is governed by inner's file alone (files do not inherit, as in ruff): its gen/
    # is excluded, and the top file's /inner/skip/ does not reach into it; the top file governs the
    # directory vendor/ itself, so it can leave out a whole project below it
    assert [f for f, _, _ in found(["."], capsys)[1]] == ["gen/g.sphere", "inner/skip/s.sphere"]


# ---------------------------------------------------------------- paths named on the command line

@pytest.fixture
def drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    tree(tmp_path, {"sphere.toml": 'exclude = ["drafts/"]\n', "drafts/x.sphere": "sphere {",
                    "m.sphere": MODEL})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_file_named_is_checked_unless_force_exclude(drafts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert found(["drafts/x.sphere"], capsys) == (1, [("drafts/x.sphere", "SPH001", "error")])
    assert found(["drafts"], capsys) == (1, [("drafts/x.sphere", "SPH001", "error")])
    assert found(["--force-exclude", "drafts/x.sphere", "m.sphere"], capsys) == (
        0, [("m.sphere", "ELA002", "warning"), ("m.sphere", "BAL004", "warning")])
    assert found(["--force-exclude", "m.sphere", "drafts"], capsys)[1][0][0] == "m.sphere"
    (drafts / "sphere.toml").write_text('exclude = ["drafts/"]\nforce-exclude = true\n')
    assert found(["drafts/x.sphere", "m.sphere"], capsys)[1][0][0] == "m.sphere"
    assert found(["--no-force-exclude", "drafts/x.sphere"], capsys)[0] == 1


def test_when_force_exclude_leaves_nothing_the_run_passes_with_an_empty_report(
        drafts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["--force-exclude", "--format", "json", "drafts/x.sphere"], capsys)
    assert status == 0 and json.loads(out)["violations"] == [] and "excluded" in err
    # a directory with nothing in it is still a usage error
    (drafts / "empty").mkdir()
    assert run(["empty"], capsys)[0] == 2


def test_pre_commit_hooks_force_exclude_and_check_whole_models() -> None:
    text = (Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text()
    hooks = {block.split("\n", 1)[0].strip(): block for block in text.split("- id: ")[1:]}
    assert "entry: sphere check --force-exclude" in hooks["sphere-check"]
    whole = hooks["sphere-check-models"]
    assert "pass_filenames: false" in whole and "entry: sphere check" in whole
    assert "always_run" not in whole and "files: \\.sphere$" in whole


# ---------------------------------------------------------------- standard input

FRAME = """\
sphere Frame : political {
  channel elections strength 0.6
  power tax
  resource budget = 100 USD
  responsibility collection requires tax, budget
}
"""
PROVINCE = """\
import "frame.sphere"
sphere Province : administrative within Frame {
  power tax
  resource share = 500 USD from Frame.budget
  responsibility local requires tax, share
}
"""  # NEST003: the province draws 500 of the frame's 100


def stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    tree(tmp_path, {"models/frame.sphere": FRAME, "models/province.sphere": "// the saved file, not the buffer\n",
                    "models/sphere.toml": 'ignore = ["ELA"]\n'})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_stdin_with_a_filename_resolves_imports_and_configuration_there(
        models: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stdin(monkeypatch, PROVINCE.encode())
    status, violations = found(["--stdin-filename", "models/province.sphere", "-"], capsys)
    assert status == 1
    assert violations == [("models/frame.sphere", "NEST003", "error")]
    stdin(monkeypatch, PROVINCE.encode())
    status, out, _ = run(["--stdin-filename", "models/province.sphere", "-"], capsys)
    assert "models/frame.sphere:4:3: NEST003 [error]" in out and "in 2 files" in out
    # the snippets quote what was read, not the file saved under that name
    stdin(monkeypatch, b"sphere P : political {\n  channel c strength 0.5\n  power unused\n}\n")
    out = run(["--stdin-filename", "models/province.sphere", "-"], capsys)[1]
    assert "models/province.sphere:3:3: BAL001" in out and "3 |   power unused" in out


def test_stdin_without_a_filename_is_shown_as_stdin(models: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    stdin(monkeypatch, b"sphere A : political {\n  power p\n}\n")
    assert found(["-"], capsys) == (1, [("<stdin>", "ELA001", "warning"), ("<stdin>", "BAL001", "error")])
    stdin(monkeypatch, b"")
    assert found(["-"], capsys) == (0, [])
    stdin(monkeypatch, b"sphere A : political {\n  power \xff\n}\n")
    assert found(["--stdin-filename", "models/x.sphere", "-"], capsys) == (
        1, [("models/x.sphere", "SPH005", "error")])
    stdin(monkeypatch, b'import "models/frame.sphere"\n')  # relative to the working directory
    assert found(["-"], capsys) == (0, [])


def test_stdin_and_force_exclude(models: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    (models / "models" / "sphere.toml").write_text('exclude = ["province.sphere"]\n')
    stdin(monkeypatch, PROVINCE.encode())
    assert found(["--stdin-filename", "models/province.sphere", "-"], capsys)[0] == 1  # named: checked
    stdin(monkeypatch, PROVINCE.encode())
    assert found(["--force-exclude", "--stdin-filename", "models/province.sphere", "-"], capsys) == (0, [])


@pytest.mark.parametrize("args", [["-", "models"], ["--stdin-filename", "x.sphere", "models"]])
def test_stdin_misuse_is_a_usage_error(models: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    stdin(monkeypatch, b"")
    status, _, err = run(args, capsys)
    assert status == 2 and "Traceback" not in err and ("standard input" in err or "'-'" in err)


def test_the_whole_model_hook_sees_what_a_per_file_run_of_the_changed_file_cannot(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text = (Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text()
    entries = {block.split("\n", 1)[0].strip(): block.split("entry: ", 1)[1].split("\n", 1)[0].split()
               for block in text.split("- id: ")[1:]}
    # the commit lowers the treasury's budget; only the model that draws from it sums the draws
    tree(tmp_path, {"sphere.toml": "", "treasury.sphere": "sphere Treasury : political {\n"
                    "  channel c strength 0.6\n  power spend\n  resource budget = 50 USD\n"
                    "  responsibility pay requires spend, budget\n}\n",
                    "model.sphere": 'import "treasury.sphere"\nsphere Ministry : administrative within Treasury {\n'
                    "  power spend\n  resource share = 80 USD from Treasury.budget\n"
                    "  responsibility serve requires spend, share\n}\n"})
    monkeypatch.chdir(tmp_path)

    def hook(name: str, *files: str) -> tuple[int, str]:
        program, command, *options = entries[name]
        assert (program, command) == ("sphere", "check")
        status, out, _ = run([*options, *files], capsys)
        return status, out

    assert hook("sphere-check", "treasury.sphere")[0] == 0  # pre-commit names only the changed file
    status, out = hook("sphere-check-models")  # pass_filenames: false
    assert status == 1 and "treasury.sphere:4:3: NEST003" in out
