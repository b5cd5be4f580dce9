"""The fast path keeps member statements as text until they are read.

A deferred block builds exactly the grammar's nodes, says the kind, name and
unit of each statement without building it, travels through pickle (the
parallel loader and the parse cache), and is never built whole while the
resolver collects names: the AST and the model are not both whole in memory.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from spherelang.loading import load_model
from spherelang.resolve import resolve
from spherelang.syntax import deferred
from spherelang.syntax.deferred import DeferredMembers, member_at, member_heads
from spherelang.syntax.parser import parse_source

from .modelgen import generate
from .test_fastpath import TEXTS, lalr

DEFERRED = [(p, t) for p, t in TEXTS if not isinstance(lalr(t, p), str)]


def _blocks(text: str, path: str) -> list[tuple[object, object]]:
    fast, _ = parse_source(text, path)
    slow = parse_source(text, path, fast_path=False)[0]
    return [(a.members, b.members) for a, b in zip(fast.spheres, slow.spheres)]


@pytest.mark.parametrize(("path", "text"), DEFERRED, ids=[Path(p).name for p, _ in DEFERRED])
def test_heads_and_single_statements_match_the_grammar(path: str, text: str) -> None:
    for fast, slow in _blocks(text, path):
        assert list(member_heads(fast)) == list(member_heads(slow))
        assert [member_at(fast, k) for k in range(len(slow))] == list(slow)
        assert fast == slow and len(fast) == len(slow)


@pytest.mark.parametrize("layout", ["plain", "rich"])
def test_a_national_model_keeps_its_statements_as_text(tmp_path: Path, layout: str) -> None:
    generate(500, str(tmp_path / "m"), layout=layout)
    parsed, fast = parse_source((tmp_path / "m" / "model.sphere").read_text(encoding="utf-8"), "m.sphere")
    kinds = [type(s.members) for s in parsed.spheres if s.members]
    assert fast and len(kinds) == 500
    # the rich layout's blocks that mix in a line the grammar read are built at once
    assert kinds.count(DeferredMembers) >= (500 if layout == "plain" else 400)


def test_deferred_blocks_survive_pickle() -> None:
    text = "sphere A : a {\n  power p\n  resource r = 1_000 KZT  // sphere: ignore[BAL004]\n  capacity 0.4\n}\n"
    members = parse_source(text, "m.sphere")[0].spheres[0].members
    assert isinstance(members, DeferredMembers)
    again = pickle.loads(pickle.dumps(members))
    assert isinstance(again, DeferredMembers) and again == members and list(again) == list(members)
    assert list(member_heads(again)) == [("power", "p", None), ("resource", "r", "KZT"), ("capacity", None, None)]


def test_resolving_builds_each_statement_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Names are collected from the heads; only a capacity, a name declared
    twice or a series is built early; every other statement once, by the resolver."""
    body = "".join(f"  sphere B{i} : b {{\n    power p from A.p\n    resource r = 1 KZT from A.r\n"
                   f"    responsibility d requires p, r 1 KZT\n  }}\n" for i in range(20))
    (tmp_path / "m.sphere").write_text(
        "layers a > b\nsphere A : a {\n  channel c strength 0.5\n  power p\n  resource r = 100 KZT\n"
        "  capacity 0.5\n  responsibility d requires p, r 1 KZT\n" + body + "}\n")
    built: list[str] = []
    real = deferred.DeferredMembers.__iter__

    def counting(self: DeferredMembers):  # type: ignore[no-untyped-def]
        for node in real(self):
            built.append(node.kind)
            yield node

    monkeypatch.setattr(deferred.DeferredMembers, "__iter__", counting)
    model = resolve(load_model(str(tmp_path / "m.sphere")))
    assert len(model.spheres) == 21
    statements = 5 + 20 * 3
    assert len(built) == statements  # each built once, none while names were collected


def test_a_name_declared_many_times_builds_its_sphere_at_most_twice(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """REF002 over n repeats of one name: the block is built once to compare the
    repeats and once by the resolver, never once per repeat (which grew as n²)."""
    n = 300
    (tmp_path / "m.sphere").write_text("sphere A : political {\n  channel c strength 0.5\n" + "  power p\n" * n + "}\n")
    built: list[str] = []
    single: list[int] = []
    real_iter, real_at = deferred.DeferredMembers.__iter__, deferred.DeferredMembers.at

    def counting(self: DeferredMembers):  # type: ignore[no-untyped-def]
        for node in real_iter(self):
            built.append(node.kind)
            yield node

    def counting_at(self: DeferredMembers, k: int):  # type: ignore[no-untyped-def]
        single.append(k)
        return real_at(self, k)

    monkeypatch.setattr(deferred.DeferredMembers, "__iter__", counting)
    monkeypatch.setattr(deferred.DeferredMembers, "at", counting_at)
    model = resolve(load_model(str(tmp_path / "m.sphere")))
    assert len([d for d in model.duplicates if d.name == "p"]) == n - 1
    assert single == [] and len(built) <= 2 * (n + 1)
