"""binding, binds and unlock (LANGUAGE.md §8.1, §8.7): the pure pass by hand
and against a brute force on random trees."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spherelang.model import binding_figures, corridor_figures

EPS = 1e-9


def brute(parents: list[int | None], caps: list[float | None]) -> list[tuple[int | None, int, float | None]]:
    """The definitions of §8.1 read literally: walk the ancestors, re-run the
    corridor with each capacity removed."""
    n = len(parents)

    def ancestors(i: int) -> list[int]:
        out, p = [], parents[i]
        while p is not None:
            out.append(p)
            p = parents[p]
        return out

    base = corridor_figures(parents, caps)
    binding: list[int | None] = []
    for i in range(n):
        ceiling = base[i].ceiling
        found = None
        if ceiling is not None:
            found = next(a for a in ancestors(i) if caps[a] is not None and abs(caps[a] - ceiling) <= EPS)
        binding.append(found)
    binds = [sum(1 for b in binding if b == a) for a in range(n)]
    unlock: list[float | None] = []
    for a in range(n):
        if caps[a] is None:
            unlock.append(None)
            continue
        lifted = corridor_figures(parents, [None if i == a else c for i, c in enumerate(caps)])
        total = 0.0
        for d in range(n):
            if a in ancestors(d) and caps[d] is not None:
                total += lifted[d].effective - base[d].effective  # type: ignore[operator]
        unlock.append(total)
    return [(binding[i], binds[i], unlock[i]) for i in range(n)]


@st.composite
def trees(draw: st.DrawFn) -> tuple[list[int | None], list[float | None]]:
    n = draw(st.integers(1, 14))
    parents: list[int | None] = [None]
    for i in range(1, n):
        parents.append(draw(st.one_of(st.none(), st.integers(0, i - 1))))
    # few distinct values so that exact ties and near ties (within 1e-9) happen
    value = st.sampled_from([0.1, 0.3, 0.3 + 5e-10, 0.5, 0.5 - 2e-10, 0.7, 0.9, 1.0, 0.0])
    caps = [draw(st.one_of(st.none(), value)) for _ in range(n)]
    return parents, caps


@given(trees())
def test_matches_brute_force(tree: tuple[list[int | None], list[float | None]]) -> None:
    parents, caps = tree
    fast = binding_figures(parents, caps)
    slow = brute(parents, caps)
    for got, want in zip(fast, slow):
        assert got.binding == want[0]
        assert got.binds == want[1]
        if want[2] is None:
            assert got.unlock is None
        else:
            assert got.unlock == pytest.approx(want[2], abs=1e-12)


def test_chain_by_hand() -> None:
    # 0.4 > 0.6 (no capacity in between) > 0.9: both inner ones are bound by the root
    parents = [None, 0, 1, 2]
    caps = [0.4, None, 0.6, 0.9]
    figs = binding_figures(parents, caps)
    assert [f.binding for f in figs] == [None, 0, 0, 0]
    assert [f.binds for f in figs] == [3, 0, 0, 0]
    # lifting the root: 0.6 keeps 0.6 (+0.2), 0.9 rises to 0.6 (+0.2)
    assert figs[0].unlock == pytest.approx(0.4)
    assert figs[1].unlock is None
    assert figs[2].unlock == pytest.approx(0.0)  # its child is held by the root, not by it
    assert figs[3].unlock == 0.0


def test_exact_tie_unlocks_nothing_and_names_the_nearer() -> None:
    parents = [None, 0, 1]
    caps = [0.5, 0.5, 0.8]
    figs = binding_figures(parents, caps)
    assert figs[2].binding == 1 and figs[1].binding == 0
    assert (figs[0].binds, figs[1].binds) == (1, 1)
    assert figs[0].unlock == 0.0 and figs[1].unlock == 0.0


def test_near_tie_binds_nearer_but_unlock_is_exact() -> None:
    parents = [None, 0, 1]
    caps = [0.5, 0.5 + 5e-10, 0.8]
    figs = binding_figures(parents, caps)
    assert figs[2].binding == 1  # within 1e-9 of the ceiling: the nearer one binds
    assert figs[0].unlock == pytest.approx(5e-10 + 5e-10, abs=1e-15)  # 1 and 2 each gain 5e-10
    assert figs[1].unlock == 0.0


def test_nothing_binds() -> None:
    figs = binding_figures([None, 0, None], [None, 0.3, 0.2])
    assert all(f.binding is None and f.binds == 0 for f in figs)
    assert [f.unlock for f in figs] == [None, 0.0, 0.0]


def test_no_other_capacity_lifts_to_own() -> None:
    figs = binding_figures([None, 0, 0], [0.2, 0.7, None])
    assert [f.binding for f in figs] == [None, 0, 0]
    assert figs[0].binds == 2
    assert figs[0].unlock == pytest.approx(0.5)  # only the child with a capacity counts


def test_deep_chain_is_linear_and_iterative() -> None:
    n = 20_000
    parents: list[int | None] = [None, *range(n - 1)]
    caps: list[float | None] = [0.1, *([0.9] * (n - 1))]
    figs = binding_figures(parents, caps)
    assert figs[0].binds == n - 1
    assert figs[0].unlock == pytest.approx(0.8 * (n - 1))  # each rises from 0.1 to its own 0.9
