"""Every case under tests/cases (the public conformance cases included, copied
into tests/cases/conformance) checks exactly as its ``// expect:`` comments say. A case is a file or a folder; names
starting with '_' are helpers. Runs in process, the way `sphere check
--fail-on info .` runs from inside the case's directory."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import attrs
import pytest

from spherelang.cli import find_entries
from spherelang.config import Config
from spherelang.diagnostics import Severity
from spherelang.pipeline import check_entries
from spherelang.rulelang import RuleRegistry, plugins
from spherelang.settings import find_config, read_config

from .expectations import mismatches

HERE = Path(__file__).parent


def _children(folder: Path) -> list[Path]:
    return [e for e in sorted(folder.iterdir())
            if not e.name.startswith("_") and (e.is_dir() or e.suffix == ".sphere")]


def _cases() -> list[Path]:
    """tests/cases/FAMILY/CASE: nothing outside the repository."""
    own = HERE / "cases"
    return [case for family in _children(own) if family.is_dir() for case in _children(family)]


CONFIG = attrs.evolve(Config(), fail_on=Severity.INFO)


def _config(cwd: Path) -> Config:
    """The case's own sphere.toml, if any, as `sphere check` run there would read it."""
    path = find_config(str(cwd))
    return read_config(path, CONFIG) if path else CONFIG


def _install_plugins(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder case's ``_plugins.py`` stands for an installed rule pack: its
    rules, and only they, are the plugins of the run."""
    registry = RuleRegistry()
    registry.loaded = True  # no entry points: the case's rules are the only plugins
    monkeypatch.setattr(plugins, "REGISTRY", registry)
    pack = case / "_plugins.py"
    if case.is_dir() and pack.is_file():
        runpy.run_path(str(pack))


@pytest.mark.parametrize("case", _cases(), ids=lambda p: str(p.relative_to(p.parents[1])))
def test_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cwd = case if case.is_dir() else case.parent
    monkeypatch.chdir(cwd)
    _install_plugins(case, monkeypatch)
    target = "." if case.is_dir() else case.name
    report = check_entries(find_entries([target]), _config(cwd))
    problems = mismatches(os.fspath(case), report.violations)
    assert not problems, "\n".join(problems)
    seen = set()
    for v in report.violations:
        key = (v.span, v.code, v.message)
        assert key not in seen, f"reported twice: {v}"
        seen.add(key)
