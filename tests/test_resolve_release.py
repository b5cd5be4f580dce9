"""The resolver lets a model's statements go once its members are made (so a
national model is never held twice); the model holds no syntax-tree object, and
a scenario reads the declarations again when it is applied."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import spherelang
from spherelang.loading import load_model
from spherelang.resolve import resolve

MODEL = """\
sphere Nation : political {
  channel elections strength 0.6
  power tax
  resource revenue = 100 USD
  responsibility collection requires tax, revenue 10 USD
  sphere Customs : administrative {
    power tax
    resource revenue = 20 USD
    responsibility clearing requires tax, revenue 5 USD
  }
}
"""

SCENARIO = """
scenario lean {
  in Nation.Customs { resource revenue = 5 USD }
}
"""


def test_statements_are_freed_when_the_caller_hands_the_model_over(tmp_path: Path) -> None:
    (tmp_path / "m.sphere").write_text(MODEL)
    loaded = load_model(str(tmp_path / "m.sphere"))
    refs = [weakref.ref(m) for f in loaded.files for s in f.spheres for m in s.members]
    model = resolve(loaded)
    del loaded
    gc.collect()
    assert refs and all(r() is None for r in refs)
    # the model itself is whole
    assert [p.name for s in model.spheres for p in s.powers] == ["tax", "tax"]
    assert model.spheres[0].resources[0].allocated == 20 and model.spheres[0].resources[0].drawn


def _reachable_types(root: object) -> set[type]:
    """The types of every object reachable from ``root`` (an explicit stack:
    the walk's depth is not the model's)."""
    seen: set[int] = set()
    found: set[type] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (type, str, int, float)):
            continue
        seen.add(id(obj))
        found.add(type(obj))
        stack.extend(gc.get_referents(obj))
    return found


def test_the_model_holds_no_syntax_tree(tmp_path: Path) -> None:
    (tmp_path / "m.sphere").write_text(MODEL + SCENARIO + 'rule ORG001 "x" { for s in spheres; require true }\n')
    model = spherelang.load(tmp_path / "m.sphere")
    kinds = _reachable_types(model)
    assert model.rules and model.scenarios and model.sources
    assert not {k for k in kinds if k.__module__ == "spherelang.syntax.ast"}, kinds


def test_a_scenario_reads_the_declarations_again(tmp_path: Path) -> None:
    (tmp_path / "m.sphere").write_text(MODEL + SCENARIO)
    model = spherelang.load(tmp_path / "m.sphere")
    result = spherelang.evaluate(model, scenario="lean")
    assert result.scenario == "lean"
    customs = result.sphere("Nation.Customs")
    assert customs is not None and result.model is not None
    assert result.model.find("Nation.Customs").resources[0].amount == 5  # type: ignore[union-attr]


def test_a_duplicate_channel_still_counts_as_declared(tmp_path: Path) -> None:
    """ELA001 asks whether the block declares a channel; a channel whose name is
    taken (REF002) is left out of the figures but was declared."""
    (tmp_path / "m.sphere").write_text(MODEL.replace("  channel elections", "  power elections\n  channel elections"))
    model = spherelang.load(tmp_path / "m.sphere")
    assert model.spheres[0].channels == ()
    codes = {v.code for v in spherelang.check(model).violations}
    assert "REF002" in codes and "ELA001" not in codes
