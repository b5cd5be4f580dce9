"""Packages that export names lazily (``spherelang``, ``spherelang.evaluator``,
``spherelang.pipeline``) give the same object whatever was imported before.

A lazily exported name must never share its name with a submodule: importing
the submodule sets the package attribute to the module, and the name would
then be the module, not the function (``pipeline.compare`` was, once).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGES = ["spherelang.evaluator", "spherelang.pipeline"]


@pytest.mark.parametrize("name", PACKAGES)
def test_no_lazy_name_is_also_a_submodule(name: str) -> None:
    package = importlib.import_module(name)
    submodules = {m.name for m in pkgutil.iter_modules(package.__path__)}
    assert not set(package._LAZY) & submodules


@pytest.mark.parametrize("name", PACKAGES)
def test_every_lazy_name_is_its_modules_object_after_every_import(name: str) -> None:
    package = importlib.import_module(name)
    for module in {m.name for m in pkgutil.iter_modules(package.__path__)}:
        importlib.import_module(f"{name}.{module}")  # what other code may import first
    for export, module in package._LAZY.items():
        assert getattr(package, export) is getattr(importlib.import_module(module, name), export), export
    assert set(package._LAZY) <= set(package.__all__)


def test_a_plain_check_imports_no_evaluation_or_rendering_it_does_not_use(tmp_path: Path) -> None:
    """`sphere check` of a model prints diagnostics: the scenario comparison,
    trends, samples, reform ranking, the evaluation tables and JSON stay unimported."""
    model = tmp_path / "m.sphere"
    model.write_text("sphere A : political {\n  channel c strength 0.5\n  power p\n}\n")
    code = (
        "import json, sys\nfrom spherelang.cli import main\n"
        f"try:\n    main(['check', '--no-cache', {str(model)!r}])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('spherelang.'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(json.loads(out.strip().splitlines()[-1]))
    for unused in ("spherelang.evaluator.samples", "spherelang.evaluator.trends", "spherelang.evaluator.compare",
                   "spherelang.pipeline.comparison", "spherelang.pipeline.reforms", "spherelang.report.analysis",
                   "spherelang.report.json_format", "spherelang.report.uncertainty"):
        assert unused not in loaded, unused
