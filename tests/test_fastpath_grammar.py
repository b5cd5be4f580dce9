"""The fast path is held to the grammar over programs generated from the grammar.

``hypothesis.extra.lark.from_lark`` writes programs from the shipped grammar
(whole files, and files of plain statements only, where the fast path does
its work), with the layouts the grammar allows: ``;`` or newlines between
statements, spaces, tabs and form feeds, comments and ``// sphere: ignore``
suppressions, digit separators, Unicode names and titles, and now and then a
keyword or a word that is no identifier where a name goes. For each program
the fast path either gives the very AST the grammar gives (suppressions
included), or gives up; it never accepts a program the grammar rejects.

The fast path reads its lexemes from the grammar (see
:mod:`spherelang.syntax.terminals`); the last tests check that reader against
Lark's own reading of the grammar.
"""

from __future__ import annotations

import functools
import re

import lark
import pytest
from hypothesis import HealthCheck, Phase, event, given, seed, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from spherelang.syntax import terminals
from spherelang.syntax.ast import File
from spherelang.syntax.keywords import KEYWORDS
from spherelang.syntax.parser import ParseFailure, grammar_text, parse_source

PATH = "gen.sphere"

#: Start symbols added to the grammar for the test, each a sub-language of
#: ``start`` or a part of one: files of plain statements only (no rule or
#: scenario blocks), where the fast path does its work; and a sphere's header,
#: the part of ``sphere_decl`` before its block, read from the grammar (for a
#: nested sphere without ``within``, which only a top-level sphere may have).
EXTRA = """
plain: (_plain_item? _sep)* _plain_item?
_plain_item: model_stmt | import_stmt | layers_stmt | sphere_decl
sphere_head: {head}
nested_head: {nested}
"""
MEMBERS = ["power_decl", "responsibility_decl", "resource_decl", "indicator_decl", "capacity_decl", "channel_decl",
           "allow_decl"]

NAMES = ["A", "B", "x", "Nation", "Finance", "political", "body", "KZT", "FTE", "_x1", "akimat_Almaty",
         "Минфин", "名前", "Ωmega", "℘x", "café", "x2", "powerful", "information", "in_x", "ofx", "sphere_"]
NOT_NAMES = ["x²", "a«b", "in", "sphere", "from", "true"]  # no identifier, or a keyword: both must reject
NUMBERS = ["0", "1", "12", "0.3", "1.5e9", "15_000_000", "1_0.0_1", "2E-3", "1e+5", "007", "1_2e1_0", "٣"]
STRINGS = ['""', '"t"', '"Минфин — главный"', '"a \\" b"', '"\\\\"', '"tab\\tx"', '"{s.name}"', '"😀 x"']
NEWLINES = ["\n", "\n", "\n", " // note\n", "\t// sphere: ignore[BAL001]\n", "//sphere:ignore[ref001, BAL002]\n",
            "// sphere: ignore\n", "\n\n", "\n  // only a comment\n", "\n\t\n"]


def _padded(words: st.SearchStrategy[str], before: list[str], after: list[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(before), words, st.sampled_from(after)).map("".join)


def programs() -> st.SearchStrategy[str]:
    """Programs from the grammar, of every kind :func:`kinds` makes."""
    made = kinds()
    return st.one_of(made["spheres"], made["spheres"], made["tame plain"], made["tame"], made["wild plain"],
                     made["wild"])


@functools.cache
def kinds() -> dict[str, st.SearchStrategy[str]]:
    """Programs from the grammar, in three kinds: sphere blocks of member
    statements one per line (each statement and header generated from its
    grammar rule, nested, with the separators the grammar allows between
    them), and scenario blocks between them; plain and whole files written tamely (the fast path's daily work);
    and plain and whole files written wildly (any word the terminals match,
    keywords and non-identifiers as names, form feeds, comments anywhere)."""
    text = grammar_text()
    head = re.search(r"^sphere_decl: (.*) LBRACE sphere_body RBRACE$", text, re.MULTILINE)
    assert head is not None, "sphere_decl changed shape: update this test"
    nested = head.group(1).replace(" [WITHIN path]", "")
    assert nested != head.group(1), "sphere_decl changed shape: update this test"
    grammar = lark.Lark(text + EXTRA.format(head=head.group(1), nested=nested), parser="lalr", lexer="contextual",
                        start=["start", "plain", "sphere_head", "nested_head", "scenario_decl", *MEMBERS])

    def generate(start: str, wild: bool) -> st.SearchStrategy[str]:
        used = _terminal_names(grammar, start)
        return from_lark(grammar, start=start, explicit={k: v for k, v in _explicit(wild).items() if k in used})

    # the statements with the most optional parts come up more often
    weights = {"responsibility_decl": 4, "indicator_decl": 3, "resource_decl": 2}
    member = st.one_of(*(generate(rule, wild=False) for rule in MEMBERS for _ in range(weights.get(rule, 1))))
    # now and then a layout the fast path leaves to the grammar ('{;', '; ')
    opening = st.sampled_from(["{\n"] * 6 + [" {\n", "{ // opens\n", "{\t\n", "{;"])
    separator = st.sampled_from(["\n"] * 12 + ["\n\n", " // note\n", "  // sphere: ignore[BAL001]\n", "\n\t\n",
                                 ";\n", " ; "])

    def block(inner: st.SearchStrategy[str], head: str = "nested_head") -> st.SearchStrategy[str]:
        lines = st.lists(st.tuples(inner, separator).map("".join), max_size=6).map("".join)
        closing = st.sampled_from(["}", "\t}", "} // closes"])
        return st.tuples(generate(head, wild=False), opening, lines, closing).map("".join)

    spheres = block(st.recursive(member, block, max_leaves=12), head="sphere_head")
    items = st.one_of(spheres, spheres, generate("scenario_decl", wild=False))  # a scenario goes to the grammar alone
    files = st.lists(st.tuples(items, separator).map("".join), min_size=1, max_size=3).map("".join)
    return {"spheres": files.map(_tight_signs), "tame plain": generate("plain", wild=False),
            "tame": generate("start", wild=False), "wild plain": generate("plain", wild=True),
            "wild": generate("start", wild=True)}


def _tight_signs(text: str) -> str:
    """``- 5`` written ``-5``: the same tokens (a sign and a number) with the
    space between them left out, as a number is usually written. A sign after
    a letter or a digit may be an exponent's (``1e- 5``): left alone."""
    return re.sub(r"(?<!\w)([-+])[ \t]+(?=\d)", r"\1", text)


def _explicit(wild: bool) -> dict[str, st.SearchStrategy[str]]:
    """Strategies for the terminals. from_lark joins tokens with nothing between
    them, so word-like tokens carry their own spacing: keywords always some,
    names sometimes none (tight paths 'A.B', 'x"t"', 'a>b'), numbers some
    after (a unit must not glue on)."""
    text = st.characters(codec="utf-8", exclude_characters="\x00\r")  # a NUL or CR ends a title early
    strings = st.one_of(st.sampled_from(STRINGS),
                        st.from_regex(terminals.pattern("STRING"), fullmatch=True, alphabet=text))
    if wild:
        names = st.one_of(*[st.sampled_from(NAMES)] * 4, st.from_regex(terminals.pattern("NAME"), fullmatch=True),
                          st.sampled_from(NOT_NAMES))
        numbers = st.one_of(st.sampled_from(NUMBERS), st.from_regex(terminals.pattern("NUMBER"), fullmatch=True))
        number = _padded(numbers, ["", " ", "\t"], ["", " ", "\t"])
        strings = st.one_of(strings, st.from_regex(terminals.pattern("STRING"), fullmatch=True))
        name = _padded(names, ["", " ", "\t"], ["", " ", " "])
        spaces, comments, semicolons = [" ", "\t", "  ", " \t", "\f", "\v"], [" ", " ", " // c\n"], [";", " ; ", ";\n"]
    else:
        number = _padded(st.sampled_from(NUMBERS), [" "], [" ", "\t"])  # a sign's space: see _tight_signs
        # keywords and numbers bring their own spaces; a rare word no name may be
        name = st.sampled_from(NAMES * 12 + NOT_NAMES)
        # a separator may always be a newline
        spaces, comments, semicolons = [""] * 10 + [" ", "\t"], [" "], ["\n", "\n", "\n", " ; "]
    explicit = {
        "NAME": name,
        "NUMBER": number,
        "STRING": _padded(strings, ["", " "], ["", " "]),
        "_NL": st.sampled_from(NEWLINES),
        "_SEMI": st.sampled_from(semicolons),
        # the ignored terminals, which from_lark puts between any two symbols now and then
        "WS": st.sampled_from(spaces),
        "COMMENT": st.sampled_from(comments),
    }
    for word in KEYWORDS:  # spaced, or 'power' and a name would glue into one word
        explicit[word.upper()] = _padded(st.just(word), [" ", " ", "\t", "  "], [" ", " ", "\t", " \t"])
    if not wild:
        # one statement per line, mostly: a block's body may always start and end with a newline
        explicit["LBRACE"] = st.sampled_from(["{\n", "{\n", "{\n", "{"])
        explicit["RBRACE"] = st.sampled_from(["\n}", "\n}", "\n}", "}"])
    return explicit


def _terminal_names(grammar: lark.Lark, start: str) -> set[str]:
    """The terminals a program from ``start`` can hold (from_lark refuses others)."""
    defined, rules, ignored = grammar.grammar.compile([start], ())
    used = {t.name for t in defined} | set(ignored)
    return used | {s.name for r in rules for s in r.expansion if s.is_term}


def outcome(text: str, fast_path: bool) -> tuple[object, bool]:
    """The AST (or every syntax error) and whether the fast path took the file."""
    try:
        return parse_source(text, PATH, fast_path=fast_path)
    except ParseFailure as exc:
        return exc.findings, False


def fast_path_takes(text: str) -> bool:
    return outcome(text, True)[1]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_the_fast_path_gives_the_grammars_ast_or_gives_up(data: st.DataObject) -> None:
    text = data.draw(programs(), label="program")
    reference, _ = outcome(text, fast_path=False)
    got, took = outcome(text, fast_path=True)
    event("fast path took it" if took else "grammar" if isinstance(reference, File) else "both reject")
    if took:
        assert isinstance(reference, File), "the fast path accepted a program the grammar rejects"
    assert got == reference


# ---------------------------------------------------------------- the generator reaches the fast path

KINDS = {
    "a nested sphere": lambda text, file: any(s.parent is not None for s in file.spheres),
    "member statements": lambda text, file: any(s.members for s in file.spheres),
    "a tab and a suppression": lambda text, file: "\t" in text and file.suppressions,
    "a rule or scenario block beside a sphere": lambda text, file: file.spheres and (file.rules or file.scenarios),
}


def test_the_generator_writes_programs_the_fast_path_takes() -> None:
    """Without these the property above could pass by the fast path giving up
    on everything. A sample (seeded, not shrunk) of the sphere-block programs,
    where each kind below comes up in about one program in ten (300 draws: the
    sample must still hold every kind when the grammar grows)."""
    seen: dict[str, int] = dict.fromkeys(KINDS, 0)

    @settings(max_examples=300, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @seed(1)
    @given(kinds()["spheres"])
    def tally(text: str) -> None:
        file, took = outcome(text, fast_path=True)
        if took:
            for kind, wanted in KINDS.items():
                seen[kind] += bool(wanted(text, file))

    tally()
    assert all(seen.values()), seen


# ---------------------------------------------------------------- the terminals reader against Lark


@functools.cache
def lark_terminals() -> dict[str, object]:
    return {t.name: t.pattern for t in lark.Lark(grammar_text(), parser="lalr", lexer="contextual").terminals}


def test_string_terminals_read_as_lark_reads_them() -> None:
    expected = {name: p.value for name, p in lark_terminals().items() if type(p).__name__ == "PatternStr"}
    assert terminals.literals() == expected


@pytest.mark.parametrize("name", ["NAME", "NUMBER", "STRING", "COMMENT", "WS", "_NL"])
def test_regex_terminals_read_as_lark_reads_them(name: str) -> None:
    raw = lark_terminals()[name].raw  # type: ignore[attr-defined]
    assert terminals.pattern(name) == f"(?:{raw[1:-1]})"
    assert not lark_terminals()[name].flags  # type: ignore[attr-defined]


def test_a_terminal_in_another_form_is_not_guessed() -> None:
    with pytest.raises(KeyError):
        terminals.pattern("COMP_OP")


def test_keywords_are_the_languages() -> None:
    """LANGUAGE.md §2 lists the keywords; the grammar's word terminals are they."""
    assert KEYWORDS == set("""model import layers sphere within power responsibility requires shared resource
        from indicator of in lower_is_better capacity channel strength allow rule error warning info for where
        require message scenario remove true false null and or not if""".split())
