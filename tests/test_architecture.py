"""The shape of the code, held by tests: parts import one way, every code is
documented, exercised by a case and listed in the README, and one stamp sets
every severity."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import attrs
import pytest

import spherelang
from spherelang.checks import CODES
from spherelang.diagnostics import Severity
from spherelang.expect import EXPECT

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "spherelang"

#: The stages, lowest first: a part may import only parts before it (or itself).
#: ``config``/``settings`` and the small shared modules sit below every stage.
LAYERS: list[set[str]] = [
    {"version", "diagnostics", "errors", "suggest", "expression", "lazy"},
    {"config"},
    {"settings"},
    {"syntax"},
    {"loading"},
    {"model"},
    {"resolve"},
    {"checks", "rulelang", "evaluator"},
    {"pipeline"},
    {"report", "expect"},
    {"visual", "fmt", "catalog", "testing", "highlight"},
    {"server"},
    {"cli", "__init__", "__main__"},
]


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    names = list(rel.parts)
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(n) for n in ast.walk(node))
    return hidden


def import_graph() -> dict[str, set[str]]:
    """Module -> the spherelang modules it imports, lazy imports included and
    ``if TYPE_CHECKING:`` blocks left out."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        hidden = _type_checking_nodes(tree)
        found: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in hidden:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target == "spherelang" or target.startswith("spherelang."):
                    found.add(target)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.split(".")[0] == "spherelang")
        graph[module] = found
    return graph


def part_graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        for target in targets:
            if _part(module) != _part(target):
                edges.setdefault(_part(module), set()).add(_part(target))
    return edges


def test_every_part_has_a_layer() -> None:
    known = set().union(*LAYERS)
    parts = {_part(m) for m in import_graph()}
    assert parts <= known, f"parts without a layer in this test: {parts - known}"


def test_parts_import_one_way() -> None:
    """No part imports a part of a later stage, not even lazily; so there is no cycle."""
    rank = {part: i for i, layer in enumerate(LAYERS) for part in layer}
    upward = sorted((a, b) for a, targets in part_graph().items() for b in targets if rank[b] > rank[a])
    assert not upward, f"imports against the flow: {upward}"
    same_layer = sorted((a, b) for a, targets in part_graph().items() for b in targets
                        if rank[b] == rank[a] and a in part_graph().get(b, set()))
    assert not same_layer, f"parts of one stage import each other: {same_layer}"


def test_named_boundaries() -> None:
    edges = part_graph()
    assert not edges.get("model", set()) & {"syntax", "loading", "resolve"}, "the model imports parsing"
    assert "pipeline" not in edges.get("evaluator", set()), "the evaluator imports the pipeline"
    assert "rulelang" not in edges.get("loading", set()), "loading imports the rules"
    assert "syntax" not in edges.get("rulelang", set()), "the rule language imports the parser"
    assert "__init__" not in {t for targets in edges.values() for t in targets}, "a part imports the package root"


def test_the_graph_sees_lazy_imports() -> None:
    """The test would be blind if it missed imports inside functions."""
    graph = import_graph()
    assert "spherelang.pipeline" in graph["spherelang.cli.models"] or any(
        t.startswith("spherelang.pipeline") for t in graph["spherelang.cli.models"])


# ---------------------------------------------------------------- the code table


def _case_codes() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "tests" / "cases").rglob("*.sphere"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = EXPECT.search(line)
            if match:
                found.update(c.strip() for c in match.group(1).split(","))
    return found


@pytest.mark.parametrize("code", list(CODES))
def test_every_code_is_documented_exercised_and_listed(code: str) -> None:
    info = CODES[code]
    for section in ("## Why it matters", "## Example", "## How to fix"):
        assert section in info.doc, f"{code}: its explanation lacks '{section}'"
    assert code in _case_codes(), f"{code}: no '// expect: {code}' case under tests/cases"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^\|[^\n]*\b{code}\b", readme, re.M), f"{code}: no row of the README's table names it"
    assert (info.check is None) == (info.found_by is not None), f"{code}: a check, or the stage that finds it"


def test_the_table_and_the_readme_agree_on_the_codes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| ") and re.search(r"\b[A-Z]{3,4}\d{3}\b", line)]
    listed = {c for line in rows for c in re.findall(r"\b([A-Z]{3,4}\d{3})\b", line)}
    assert listed == set(CODES)


# ---------------------------------------------------------------- one stamp


BROKEN_IMPORT = 'import "missing.sphere"\nsphere N : political { channel c strength 0.6 }\n'
UNGRANTED = """\
sphere N : political {
  channel c strength 0.6
  sphere M : administrative {
    resource scanners = 12
  }
}
"""
FAILING_RULE = """\
sphere N : political { channel c strength 0.6 }
rule ORG001 "x" { for s in spheres; require s.parent.layer == "political" }
"""
UNUSED = "sphere N : political { channel c strength 0.6 }  // sphere: ignore[BAL001]\n"


@pytest.mark.parametrize("code, text", [
    ("SPH002", BROKEN_IMPORT),     # found by the loader
    ("NEST005", UNGRANTED),        # found by a check
    ("RUL001", FAILING_RULE),      # found by the rule engine
    ("SUP001", UNUSED),            # found by the suppression pass
])
def test_a_default_changed_in_the_table_changes_everywhere(code: str, text: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.sphere"
    path.write_text(text)
    before = {v.code: v.severity for v in spherelang.check(path).violations}
    assert code in before
    other = Severity.INFO if before[code] is not Severity.INFO else Severity.WARNING
    monkeypatch.setitem(CODES, code, attrs.evolve(CODES[code], severity=other))
    after = {v.code: v.severity for v in spherelang.check(path).violations}
    assert after[code] is other


def test_a_syntax_error_is_stamped_from_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(CODES, "SPH001", attrs.evolve(CODES["SPH001"], severity=Severity.WARNING))
    with pytest.raises(spherelang.SphereSyntaxError) as info:
        spherelang.parse("sphere {", "x.sphere")
    assert info.value.diagnostic.severity is Severity.WARNING
