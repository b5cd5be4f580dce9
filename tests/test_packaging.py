"""The wheel ships the grammar inside the package, and an installed copy uses it.

Building a wheel and installing it take seconds of pip: ``slow``, bar the
pyproject check."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .support import hang_guard

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return next(out.glob("spherelang-*.whl"))


@pytest.mark.slow
def test_wheel_contains_grammar_and_marker(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "spherelang/grammar/sphere.lark" in names
    assert "spherelang/py.typed" in names
    shipped = zipfile.ZipFile(wheel).read("spherelang/grammar/sphere.lark")
    assert shipped == (ROOT / "grammar" / "sphere.lark").read_bytes()
    # the LALR tables travel with it, so an installed sphere never builds the parser
    assert zipfile.ZipFile(wheel).read("spherelang/grammar/sphere.lark.tables") == (
        ROOT / "grammar" / "sphere.lark.tables").read_bytes()


@pytest.mark.slow
def test_installed_package_loads_its_own_grammar(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    with hang_guard():
        subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                        str(wheel)], check=True, capture_output=True)
    code = (
        "import spherelang, spherelang.syntax.parser as p;"
        "print(p.grammar_path());"
        "print(len(spherelang.parse('sphere A : political { channel c strength 1 }').spheres))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            check=True)
    grammar, count = result.stdout.split()
    assert grammar.startswith(str(target)) and grammar.endswith("sphere.lark")
    assert count == "1"


def test_every_subpackage_is_listed_in_pyproject() -> None:
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"spherelang." + p.parent.name for p in (ROOT / "spherelang").glob("*/__init__.py")}
    assert found | {"spherelang", "spherelang.grammar"} == listed
