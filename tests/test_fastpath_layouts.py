"""Every layout the grammar allows stays on the fast path, one line at a cost.

LANGUAGE.md §2 lets a model put several statements on a line with ``;``, a
whole sphere on one line, a header and its first members together, closing
braces side by side, any spacing, tabs, comments and non-ASCII names. The
fast path reads the lines it knows with its patterns and hands each other
line, alone, to the grammar; these tests hold it to the grammar's AST and
count what it handed over.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spherelang.syntax import ast
from spherelang.syntax import parser as P
from spherelang.syntax.building import CURRENT_FILE, SUPPRESSIONS
from spherelang.syntax.fastpath import parse_fast
from spherelang.syntax.transform import parse_embedded_expr

from .support import examples
from .test_fastpath import PLAIN, lalr


def fast_counting(text: str, path: str = "m") -> tuple[ast.File | None, list[str]]:
    """The fast path, and every piece of text it handed to the grammar."""
    handed: list[str] = []

    def block(source: str) -> ast.File:
        handed.append(source)
        return P._parse_block(source)

    token, sink = CURRENT_FILE.set(path), SUPPRESSIONS.set([])
    messages = parse_embedded_expr.set(P._embedded_expr)
    try:
        return parse_fast(text, path, P.MAX_NESTING, block), handed
    finally:
        parse_embedded_expr.reset(messages)
        SUPPRESSIONS.reset(sink)
        CURRENT_FILE.reset(token)


BODY = "  power p\n" * 40
LAYOUTS = {
    "a sphere on one line": 'model "m"\nlayers a > b\nsphere A : a { power p; resource x = 1 USD }\n',
    "nested spheres on one line": "sphere A : a { sphere B : b { power p } }\n",
    "a header with its first members": 'sphere A : a "T" { capacity 0.5; power p\n' + BODY + "}\n",
    "a nested sphere on one line": "sphere A : a {\n" + BODY + "  sphere C : b { power r; power s }\n" + BODY + "}\n",
    "closing braces side by side": "sphere A : a {\n  sphere B : b {\n" + BODY + "} }\n",
    "a member and the closing brace": "sphere A : a {\n" + BODY + "  power q }\n",
    "a separator after a closing brace": "sphere A : a {\n" + BODY + "};\nsphere B : a {\n}\n",
    "file statements on one line": 'model "m"; layers a > b\nimport "x.sphere"; import "y.sphere"\nsphere A : a {\n}\n',
    "braces in comments": "sphere A : a { // opens {\n" + BODY + "  power p // }\n}\n",
    "non-ASCII names, tabs and digit separators": (
        'sphere Минфин : body "Министерство финансов — 財務省" {\n\tpower   налог\t// комментарий\n'
        "  resource 預算 = 1_000_000 KZT\n}\n"),
    "uncertainty and years on a member line": (
        "sphere A : a {\n" + BODY + '  indicator x = 0.5 ± 0.1 in 0..1 year 2019 "src" illustrative; capacity 0.4\n}\n'),
}


@pytest.mark.parametrize("text", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_each_layout_stays_on_the_fast_path(text: str) -> None:
    got, handed = fast_counting(text)
    assert got is not None and got == lalr(text, "m")
    unusual = [line for line in text.split("\n") if ";" in line or line.count("{") + line.count("}") > 1
               or (line.rstrip().endswith("}") and line.strip() != "}") or "±" in line]
    assert len(handed) <= len(unusual)  # one grammar call per unusual line at most, never the file
    assert all(piece.count("\n") <= 6 for piece in handed)  # the line, its stand-ins and closing braces


def test_a_syntax_error_in_an_unusual_line_is_the_grammars_to_report() -> None:
    text = "sphere A : a {\n" + BODY + "} sphere B : a {\n}\n"  # no separator between the statements
    got, _ = fast_counting(text)
    assert got is None and isinstance(lalr(text, "m"), str)


MEMBER_WORDS = ("power ", "resource ", "responsibility ", "indicator ", "capacity ", "channel ", "allow ")


def _kind(line: str) -> str:
    s = line.strip()
    if "//" in line or '"' in line and s.startswith("sphere"):
        return "other"
    if s == "}":
        return "close"
    if s.startswith("sphere ") and s.endswith("{"):
        return "header"
    if s.startswith(MEMBER_WORDS) and "{" not in s and "}" not in s:
        return "member"
    return "other"


def _join(lines: list[str], i: int, glue: str) -> None:
    lines[i : i + 2] = [lines[i].rstrip() + glue + lines[i + 1].strip()]


EDITS: dict[str, Callable[[list[str], int], bool]] = {
    # two members of a block on one line
    "semicolon": lambda ls, i: _kind(ls[i]) == _kind(ls[i + 1]) == "member" and (_join(ls, i, "; ") or True),
    # a header and its first member
    "header": lambda ls, i: _kind(ls[i]) == "header" and _kind(ls[i + 1]) == "member" and (_join(ls, i, " ") or True),
    # a member and the brace that closes its block
    "close": lambda ls, i: _kind(ls[i]) == "member" and _kind(ls[i + 1]) == "close" and (_join(ls, i, " ") or True),
    # two closing braces
    "braces": lambda ls, i: _kind(ls[i]) == _kind(ls[i + 1]) == "close" and (_join(ls, i, " ") or True),
    # tabs and doubled spaces between tokens
    "spacing": lambda ls, i: _kind(ls[i]) == "member" and (ls.__setitem__(i, "\t" + ls[i].strip().replace(" ", " \t ")) or True),
    # a trailing comment with a brace in it
    "comment": lambda ls, i: _kind(ls[i]) in ("member", "header") and (ls.__setitem__(i, ls[i] + "  // {x}") or True),
}


@settings(max_examples=examples(60))
@given(st.sampled_from(PLAIN or ["sphere A : b {\n}\n"]), st.lists(st.tuples(st.sampled_from(sorted(EDITS)),
                                                                          st.floats(0, 1)), max_size=8))
def test_random_layouts_stay_on_the_fast_path(text: str, edits: list[tuple[str, float]]) -> None:
    lines = text.split("\n")
    done = 0
    for name, where in edits:
        if len(lines) < 2:
            break
        start = int(where * (len(lines) - 1))
        for i in [*range(start, len(lines) - 1), *range(0, start)]:
            if EDITS[name](lines, i):
                done += 1
                break
    mutated = "\n".join(lines)
    reference = lalr(mutated, "m")
    if isinstance(reference, str):
        return  # the edit made something the grammar refuses (a keyword as a name...): not a layout question
    got, handed = fast_counting(mutated)
    assert got is not None, "a valid layout left the fast path"
    assert got == reference
    _, before = fast_counting(text)
    assert len(handed) <= done + len(before)  # each edited line at most one grammar call more


BY_PATTERNS = ["a sphere on one line", "nested spheres on one line", "a header with its first members",
               "a nested sphere on one line", "closing braces side by side", "a member and the closing brace",
               "a separator after a closing brace", "file statements on one line", "braces in comments",
               "non-ASCII names, tabs and digit separators"]


@pytest.mark.parametrize("name", BY_PATTERNS)
def test_joined_statements_are_read_by_the_line_patterns(name: str) -> None:
    """Lines of several statements are cut at ';', '{' and '}' (outside strings
    and comments) and each piece read by the patterns: no grammar call at all."""
    got, handed = fast_counting(LAYOUTS[name])
    assert got is not None and got == lalr(LAYOUTS[name], "m")
    assert handed == []


@pytest.mark.parametrize("text", [
    "sphere A : a {\n  power p\n} power q\n}\n",          # a statement right after '}' needs a separator
    "sphere A : a { power p sphere B : b { } }\n",         # two statements with no separator
    "sphere A : a {\n  power p; layers x\n}\n",            # a file statement inside a block
    "sphere A : a {\n  power p; power\n}\n",               # a piece no pattern knows
    'sphere A : a {\n  power p; power q "unterminated\n}\n',
])
def test_pieces_never_accept_what_the_grammar_refuses(text: str) -> None:
    got, _ = fast_counting(text)
    reference = lalr(text, "m")
    assert got is None if isinstance(reference, str) else got == reference
