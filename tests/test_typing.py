"""The package is typed: ``mypy --strict`` passes on it and on a script that
embeds it (tests/typing/user_script.py), and the lazily exported classes are
the ones type checkers see."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import spherelang

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "typing" / "user_script.py"


def _mypy(*args: str, cache: Path, config: bool = True) -> tuple[str, int]:
    """``mypy --strict ARGS`` in-process, from the repository root (where
    ``import spherelang`` finds the source tree), with its own cache."""
    api = pytest.importorskip("mypy.api", reason="mypy is not installed (it comes with the test extra)")
    settings = ["--config-file", str(ROOT / "pyproject.toml")] if config else ["--config-file", ""]
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        out, err, status = api.run([*settings, "--strict", "--cache-dir", str(cache), *args])
    finally:
        os.chdir(old)
    return out + err, status


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for this module: the package is analysed once."""
    return tmp_path_factory.mktemp("mypy-cache")


def test_the_package_passes_mypy_strict(cache: Path) -> None:
    out, status = _mypy(str(ROOT / "spherelang"), cache=cache)
    assert status == 0, out
    assert out.startswith("Success: no issues found"), out


def test_a_user_script_passes_mypy_strict_without_our_settings(cache: Path) -> None:
    # a user's project has no [tool.mypy] of ours: only --strict
    out, status = _mypy(str(SCRIPT), cache=cache, config=False)
    assert status == 0, out
    assert out.startswith("Success: no issues found in 1 source file"), out


def test_misspelt_names_and_wrong_arguments_are_type_errors(cache: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "import spherelang\n"
        "model = spherelang.Modle\n"                       # no such export (the lazy __getattr__ is hidden)
        "loaded = spherelang.load(42)\n"                   # a path, not a number
        "count: str = spherelang.check(loaded).count('error')\n"  # an int
        "@spherelang.rule('PYT200', 'takes no model')\n"   # a rule's function takes the model
        "def nothing() -> list[spherelang.Finding]:\n"
        "    return []\n",
        encoding="utf-8",
    )
    out, status = _mypy(str(wrong), cache=cache, config=False)
    assert status == 1, out
    assert 'wrong.py:2: error: Module has no attribute "Modle"' in out, out
    assert "wrong.py:3: error: Argument 1 to \"load\" has incompatible type \"int\"" in out, out
    assert "wrong.py:4: error: Incompatible types in assignment" in out, out
    assert "wrong.py:5: error: Argument 1 has incompatible type" in out, out
    assert "Found 4 errors in 1 file" in out, out


def _type_checking_imports() -> dict[str, str]:
    """Each name the ``if TYPE_CHECKING:`` block of ``spherelang/__init__.py``
    imports from the package, with its module (``spherelang.model``)."""
    tree = ast.parse((ROOT / "spherelang" / "__init__.py").read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    found: dict[str, str] = {}
    for node in block.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            for alias in node.names:
                found[alias.asname or alias.name] = f"spherelang.{node.module}"
    return found


def test_every_lazy_export_is_visible_to_type_checkers() -> None:
    lazy = dict(spherelang._LAZY)
    assert lazy, "no lazily exported names: the test would check nothing"
    imported = _type_checking_imports()
    for name, (module, attribute) in lazy.items():
        assert name == attribute
        assert imported.get(name) == module, f"{name!r} is exported from {module} but type checkers do not see it"
        assert name in spherelang.__all__
        assert getattr(spherelang, name) is getattr(__import__(module, fromlist=[attribute]), attribute)


def test_the_user_script_runs(tmp_path: Path) -> None:
    """The script type-checked above is no dead code: it runs on a shipped model."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, str(SCRIPT), str(ROOT / "examples" / "kazakhstan.sphere")],
                            capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("PYT100: ") and line.endswith("findings; a body holds at least one channel")
               for line in lines), result.stdout
    assert "rules: ['PYT100']" in lines
    assert "syntax error: broken.sphere:1:8: SPH001 unexpected '{'; expected a name" in lines
    assert result.stderr == ""


def test_the_ast_decorator_type_checkers_do_not_see_still_pickles_by_fields() -> None:
    """Type checkers read ``ast.frozen`` as ``attrs.frozen``; the decorator that
    runs adds ``__reduce__``, which the parse workers' pickler recognises by name."""
    import pickle

    from spherelang.loading.prefetch_protocol import _ast_dispatch_table
    from spherelang.syntax import ast as syntax_ast
    from spherelang.syntax.parser import parse_text

    assert syntax_ast.Name.__reduce__.__qualname__ == "frozen.<locals>.__reduce__"
    table = _ast_dispatch_table()
    assert {syntax_ast.Name, syntax_ast.SphereDecl, syntax_ast.File} <= set(table)
    parsed = parse_text('sphere A : political "t" {\n  power p\n}\n', "a.sphere")
    name = parsed.spheres[0].name
    assert table[syntax_ast.Name](name) == (syntax_ast.Name, ("A", "a.sphere", 1, 8))
    assert name.__reduce__() == (syntax_ast.Name, ("A", "a.sphere", 1, 8))
    assert pickle.loads(pickle.dumps(parsed)) == parsed
