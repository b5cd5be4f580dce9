"""The result cache: a second `sphere check` of an unchanged model is answered
from `.sphere_cache` without parsing, and any change that could alter the
answer (a file's bytes, an import's target appearing, a glob's matches, an
option, a scenario, a Python rule's source) is a miss."""

from __future__ import annotations

import json
import pickle
import sys
import types
from pathlib import Path

import pytest

from spherelang.cli import main
from spherelang.loading import loader
from spherelang.loading.cache import DIRNAME
from spherelang.rulelang import plugins

NATIONAL = """\
model "Result cache"
import "parts/*.sphere"
rule ORG001 "a body holds some staff" warning {
  for r in resources where r.unit == "FTE"
  require r.amount > 5
  message "'{r.name}' holds only {r.amount}"
}
sphere State : political {
    channel elections strength 0.2
    power tax
    resource revenue = 100 USD
    resource staff = 3 FTE
    responsibility collection requires tax, revenue, staff 1 FTE
    sphere Finance : administrative {
        power tax
        power audit                       // sphere: ignore[BAL001]
        resource revenue = 150 USD
        responsibility collect requires tax, revenue 10 USD  // sphere: ignore[REF001]
    }
}
scenario lean "fewer staff" {
    in State { resource staff = 2 FTE }
}
"""

PART = """\
sphere Customs : administrative within State {
    power tax
    resource revenue = 5 USD
    responsibility border requires tax, revenue
}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sphere.toml").write_text("")
    (tmp_path / "national.sphere").write_text(NATIONAL)
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "customs.sphere").write_text(PART)
    monkeypatch.chdir(tmp_path)
    # a fresh registry: no Python rule of another test leaks in
    monkeypatch.setattr(plugins, "REGISTRY", plugins.RuleRegistry())
    plugins.REGISTRY.loaded = True
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    with pytest.raises(SystemExit) as exited:
        main(["check", "--format", "json", *args])
    out = capsys.readouterr().out
    return int(exited.value.code or 0), json.loads(out)


def results(project: Path) -> list[Path]:
    return sorted((project / DIRNAME / "v1").glob("r-*"))


def codes(report: dict) -> list[str]:  # type: ignore[type-arg]
    return [v["code"] for v in report["violations"]]


def test_a_second_run_is_answered_without_parsing(project: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    cold = run(capsys, "national.sphere")
    assert len(results(project)) == 1
    assert {"ELA002", "SUP001", "ORG001"} <= set(codes(cold[1])), cold
    monkeypatch.setattr(loader, "parse_bytes_source", _refuse)
    assert run(capsys, "national.sphere") == cold
    assert len(results(project)) == 1


def _refuse(*_args: object) -> None:
    raise AssertionError("a cache hit must not parse")


def test_text_output_is_the_same_warm(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for _ in range(2):
        with pytest.raises(SystemExit):
            main(["check", "national.sphere"])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and "ORG001" in outputs[0]


def test_editing_an_imported_file_is_seen(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "national.sphere")
    part = project / "parts" / "customs.sphere"
    part.write_text(PART.replace("requires tax, revenue", "requires revenue"))
    _, report = run(capsys, "national.sphere")
    assert "BAL002" in codes(report)
    part.write_text(PART)
    _, again = run(capsys, "national.sphere")
    assert "BAL002" not in codes(again)


def test_a_new_match_of_a_glob_import_is_seen(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, before = run(capsys, "national.sphere")
    (project / "parts" / "police.sphere").write_text(
        "sphere Police : administrative within State {\n    power arrest\n}\n")
    _, after = run(capsys, "national.sphere")
    assert codes(after).count("NEST002") == codes(before).count("NEST002") + 1
    assert after["summary"]["files"] == before["summary"]["files"] + 1


def test_a_missing_import_that_appears_is_seen(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "national.sphere").write_text(NATIONAL.replace(
        'import "parts', 'import "later.sphere"\nimport "parts'))
    _, before = run(capsys, "national.sphere")
    assert "SPH002" in codes(before)
    (project / "later.sphere").write_text('sphere Later : administrative within State {\n}\n')
    _, after = run(capsys, "national.sphere")
    assert "SPH002" not in codes(after) and after["summary"]["files"] == before["summary"]["files"] + 1


@pytest.mark.parametrize("options", [["--select", "BAL"], ["--ignore", "ORG001"], ["--scenario", "lean"],
                                     ["--corridor-tolerance", "0.5"], ["--elasticity-threshold", "0.1"],
                                     ["--rule-budget", "1"]])
def test_options_that_change_findings_are_part_of_the_key(project: Path, capsys: pytest.CaptureFixture[str],
                                                          options: list[str]) -> None:
    _, plain = run(capsys, "national.sphere")
    _, changed = run(capsys, "national.sphere", *options)
    with pytest.raises(SystemExit):
        main(["check", "--no-cache", "--format", "json", "national.sphere", *options])
    fresh = json.loads(capsys.readouterr().out)
    assert changed == fresh
    assert len(results(project)) == 2
    assert run(capsys, "national.sphere", *options)[1] == fresh


@pytest.mark.parametrize("content", [b"garbage", b"spherelang-parse-cache\n" + b"\x00" * 32 + pickle.dumps("x")])
def test_corrupt_or_foreign_entries_are_ignored(project: Path, capsys: pytest.CaptureFixture[str],
                                                content: bytes) -> None:
    cold = run(capsys, "national.sphere")
    for entry in (project / DIRNAME / "v1").glob("[ir]-*"):
        entry.write_bytes(content)
    assert run(capsys, "national.sphere") == cold


def test_a_broken_model_is_never_stored(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "parts" / "customs.sphere").write_text("sphere Customs : administrative {\n")
    code, report = run(capsys, "national.sphere")
    assert code == 1 and codes(report) == ["SPH001"]
    assert results(project) == []


def test_a_stray_file_is_cached_in_the_user_cache_not_beside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A file in no project (no sphere.toml or pyproject.toml above it) is
    cached in a private folder of the user's cache directory, like ruff's."""
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    folder = tmp_path / "downloads"
    folder.mkdir()
    monkeypatch.chdir(folder)
    (folder / "m.sphere").write_text("sphere S : political {\n  power p\n}\n")
    first = run(capsys, "m.sphere")
    assert not (folder / DIRNAME).exists()
    stored = [p for p in home.rglob("r-*") if p.is_file()]
    assert len(stored) == 1 and DIRNAME in stored[0].parts
    real = loader.parse_bytes_source
    monkeypatch.setattr(loader, "parse_bytes_source", _refuse)
    assert run(capsys, "m.sphere") == first  # answered from the user's cache: nothing parsed
    parsed: list[str] = []
    monkeypatch.setattr(loader, "parse_bytes_source", lambda data, path: parsed.append(path) or real(data, path))
    assert run(capsys, "--no-cache", "m.sphere") == first and parsed  # --no-cache reads and parses again


def test_jobs_share_the_cache(project: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "second.sphere").write_text("sphere Other : political {\n    power p\n}\n")
    serial = run(capsys, "national.sphere", "second.sphere")
    assert run(capsys, "--jobs", "2", "national.sphere", "second.sphere") == serial
    assert len(results(project)) == 2
    monkeypatch.setattr(loader, "parse_bytes_source", _refuse)
    assert run(capsys, "national.sphere", "second.sphere") == serial


def _install_rule(folder: Path, name: str, message: str) -> None:
    (folder / f"{name}.py").write_text(
        "from spherelang import rule\n"
        "from spherelang.rulelang.plugins import Finding\n"
        f"@rule('PYX900', 'every root is flagged')\n"
        "def flag(model):\n"
        "    for s in model.spheres:\n"
        "        if s.parent is None:\n"
        f"            yield Finding(s, {message!r})\n")


def test_a_python_rule_is_part_of_the_key(project: Path, tmp_path_factory: pytest.TempPathFactory,
                                          capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path_factory.mktemp("plugin")
    monkeypatch.syspath_prepend(str(folder))
    _install_rule(folder, "resultcache_plugin", "first wording")
    __import__("resultcache_plugin")
    try:
        _, first = run(capsys, "national.sphere")
        assert "first wording" in json.dumps(first)
        _, again = run(capsys, "national.sphere")
        assert again == first and len(results(project)) == 1
        # the module's source changes (a new release, an edit): the stored result is not reused
        _install_rule(folder, "resultcache_plugin", "second wording")
        run(capsys, "national.sphere")
        assert len(results(project)) == 2
    finally:
        sys.modules.pop("resultcache_plugin", None)


def test_a_rule_without_a_source_file_turns_the_cache_off(project: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    module = types.ModuleType("resultcache_adhoc")
    sys.modules[module.__name__] = module
    try:
        def flag(model):  # type: ignore[no-untyped-def]
            return []

        flag.__module__ = module.__name__
        plugins.rule("PYX901", "nothing")(flag)
        run(capsys, "national.sphere")
        assert results(project) == []
    finally:
        sys.modules.pop(module.__name__, None)


def test_a_file_saved_during_the_check_is_not_cached(project: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from spherelang.pipeline import batch

    real = batch.check_loaded
    part = project / "parts" / "customs.sphere"

    def edit_meanwhile(*args: object) -> object:
        result = real(*args)  # type: ignore[arg-type]
        part.write_text(PART.replace("requires tax, revenue", "requires revenue"))
        return result

    monkeypatch.setattr(batch, "check_loaded", edit_meanwhile)
    run(capsys, "national.sphere")
    assert results(project) == []
    monkeypatch.setattr(batch, "check_loaded", real)
    _, after = run(capsys, "national.sphere")
    assert "BAL002" in codes(after)  # the edit is seen, not an answer about the old bytes


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_one_model_parsed_by_several_processes_reports_the_same(project: Path, capsys: pytest.CaptureFixture[str],
                                                                cache: list[str]) -> None:
    serial = run(capsys, "--no-cache", "national.sphere")
    assert run(capsys, *cache, "--jobs", "2", "national.sphere") == serial
