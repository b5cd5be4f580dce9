"""The parser: positions, tokens, readable syntax errors, depth and packaging."""

from __future__ import annotations

import pytest

from spherelang.diagnostics import Finding
from spherelang.syntax import ParseFailure, parse_bytes, parse_expression, parse_text
from spherelang.syntax.parser import parse_source
from spherelang.syntax.parser import MAX_NESTING, get_parser

MODEL = 'model "m"\nsphere Nation : political {\n  power tax "Collect taxes"\n  resource revenue = 15_000_000 KZT\n}\n'


def error(text: str) -> Finding:
    with pytest.raises(ParseFailure) as info:
        parse_text(text, "t.sphere")
    return info.value.finding


def test_members_carry_spans_in_code_points() -> None:
    file = parse_text(MODEL, "m.sphere")
    nation = file.spheres[0]
    power, resource = nation.members
    assert (nation.span.line, nation.span.column, nation.span.end_column) == (2, 1, 26)
    assert (power.span.line, power.span.column, power.span.end_column) == (3, 3, 28)
    assert resource.amount.value == 15_000_000 and resource.amount.number.text == "15_000_000"
    assert resource.amount.unit_text == "KZT"
    assert power.span.file == "m.sphere"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_bom_and_newlines_give_the_same_positions(newline: str, bom: bytes) -> None:
    data = bom + MODEL.replace("\n", newline).encode()
    file = parse_bytes(data, "m.sphere")
    reference = parse_text(MODEL, "m.sphere")
    assert file == reference


def test_unicode_names_and_statements_separated_by_semicolons() -> None:
    file = parse_text("sphere Минфин : political { power налог; resource бюджет = 5 тенге }", "u")
    assert file.spheres[0].name.text == "Минфин"
    assert [m.name.text for m in file.spheres[0].members] == ["налог", "бюджет"]


def test_numbers_as_written() -> None:
    file = parse_text("sphere A : b {\n indicator x = -0.3 in -2.5..2.5\n resource r = 1.5e9 USD\n}", "n")
    ind, res = file.spheres[0].members
    assert (ind.value.value, ind.low.value, ind.high.value) == (-0.3, -2.5, 2.5)
    assert res.amount.value == 1.5e9 and res.amount.number.text == "1.5e9"


def test_keyword_cannot_be_a_name_but_can_follow_a_dot() -> None:
    d = error("sphere A : b { power sphere }")
    assert d.code == "SPH001" and "keyword 'sphere'" in d.message and d.hint
    expr = parse_expression("p.sphere.layer")
    assert [n.value for n in expr.nodes] == ["p", "sphere", "layer"]


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("sphere Nation : political {\n  sphere { }\n}", 2, 10, "expected a name"),
        ("sphere A : b {\n power x from y\n}", 2, 16, "expected '.'"),
        ("sphere A : b { resource x = }", 1, 29, "expected a number"),
        ("sphere A : b {", 1, 15, "'}'"),
        ('sphere A : b { power x "unterminated }', 1, 24, "unterminated string"),
        ("sphere A : b { ^ }", 1, 16, "unexpected character '^'"),
    ],
)
def test_syntax_errors_point_at_the_token_in_words(text: str, line: int, column: int, words: str) -> None:
    d = error(text)
    assert (d.code, d.span.line, d.span.column) == ("SPH001", line, column)
    assert words in d.message
    for internal in ("__ANON", "NAME", "NUMBER", "RBRACE", "_NL"):
        assert internal not in d.message


MEMBERS = "sphere Nation : political {\n  channel c strength 0.6\n%s\n}\n"


@pytest.mark.parametrize(("text", "line", "column", "meant"), [
    (MEMBERS % "  powr x = 1", 3, 3, "power"),
    (MEMBERS % "  capacit 0.5", 3, 3, "capacity"),
    (MEMBERS % "  resorce budget = 5 USD", 3, 3, "resource"),
    (MEMBERS % "  responsibility r require a", 3, 20, "requires"),   # a keyword, but not the one that fits
    (MEMBERS % "  power x frm Nation.x", 3, 11, "from"),
    (MEMBERS % "  Power x", 3, 3, "power"),
    ("spere Nation : political {\n}\n", 1, 1, "sphere"),
    ('rule R1 "s" {\n  for s in spheres\n  requir s.name == "x"\n}\n', 3, 3, "require"),
    ('rule R1 "s" {\n  for s in spheres wher s.name == "x"\n  require true\n}\n', 2, 20, "where"),
])
def test_a_misspelt_keyword_is_named_with_did_you_mean(text: str, line: int, column: int, meant: str) -> None:
    """The keyword meant, instead of every token that would fit; at the
    offending token as before (code, line and column unchanged)."""
    d = error(text)
    assert (d.code, d.span.line, d.span.column) == ("SPH001", line, column)
    assert d.hint == f"did you mean '{meant}'?"
    assert d.message.endswith(f"; expected a keyword such as '{meant}'")
    assert len(d.message) < 80


@pytest.mark.parametrize("text", [
    MEMBERS % "  powr x = 1",
    MEMBERS % "  responsibility r require a",
    "spere Nation : political {\n}\n",
    MEMBERS % "  foo x",
    "sphere N : political {\n  sphere M : body {\n    power p\n}\n",
])
def test_the_fast_path_and_the_grammar_give_the_same_syntax_error(text: str) -> None:
    found = []
    for fast in (True, False):
        with pytest.raises(ParseFailure) as info:
            parse_source(text, "t.sphere", fast_path=fast)
        found.append(info.value.findings)
    assert found[0] == found[1]


def test_a_word_no_keyword_resembles_keeps_the_expected_list_without_noise() -> None:
    """What an LALR state shared with other blocks would also take ('for',
    'remove', 'message' after a sphere's member) is not listed."""
    d = error(MEMBERS % "  foo x")
    assert d.hint is None
    assert d.message == ("unexpected name 'foo'; expected a member (power, responsibility, resource, indicator, "
                         "capacity, channel, allow, sphere), the end of the statement or '}'")


def test_an_unclosed_brace_stays_at_the_end_of_the_file_and_points_at_the_brace() -> None:
    d = error('sphere N : political {\n  channel c strength 0.6 "}"  // }\n  sphere M : body {\n    power p\n}\n')
    assert (d.code, d.span.line, d.span.column) == ("SPH001", 5, 2)
    (brace,) = d.related
    assert tuple(brace.span) == ("t.sphere", 1, 22, 1, 23) and brace.note == "this '{' is never closed"
    inner = error("sphere N : political {\n  sphere M : body {\n    power p")
    assert tuple(inner.related[0].span)[1:] == (2, 19, 2, 20)  # the innermost '{' still open


def test_model_must_come_first_and_once() -> None:
    assert "first" in error('sphere A : b { }\nmodel "x"').message
    assert "at most one" in error('model "x"\nmodel "y"').message


def test_rule_structure_is_checked() -> None:
    assert "require" in error('rule R1 "s" {\n for s in spheres\n}').message
    d = error('rule R1 "s" {\n for s in spheres\n require true\n message "{s.name"\n}')
    assert d.span.line == 4 and "unclosed" in d.message


def test_message_expressions_are_parsed_with_file_positions() -> None:
    file = parse_text('rule R1 "s" {\n for s in spheres\n require true\n message "at {s.path}!"\n}', "r")
    parts = file.rules[0].message.parts
    assert parts[0] == "at " and parts[2] == "!"
    assert parts[1].span.line == 4 and parts[1].span.column == 15


def test_encoding_errors_are_sph005_at_the_byte() -> None:
    with pytest.raises(ParseFailure) as info:
        parse_bytes(b"sphere A : b {\n  power t\xe9x\n}", "e")
    d = info.value.finding
    assert (d.code, d.span.line, d.span.column) == ("SPH005", 2, 10)
    with pytest.raises(ParseFailure) as info:
        parse_bytes(b"sphere A : b {\x00}", "e")
    assert info.value.finding.code == "SPH005" and info.value.finding.span.column == 15


def test_spheres_nested_a_thousand_deep_are_flat_in_the_ast() -> None:
    depth = 1000
    text = "".join(f"sphere S{i} : body {{\n" for i in range(depth)) + "}\n" * depth
    file = parse_text(text, "deep")
    assert len(file.spheres) == depth and file.spheres[-1].depth == depth - 1
    assert file == parse_text(text, "deep")  # equality does not recurse
    assert "S999" in repr(file)


def test_deeper_nesting_is_one_clear_error() -> None:
    depth = MAX_NESTING + 1
    d = error("".join(f"sphere S{i} : body {{\n" for i in range(depth)))
    assert d.code == "SPH001" and "nesting deeper" in d.message


def test_expressions_nested_a_thousand_deep() -> None:
    expr = parse_expression("(" * 1000 + "1" + ")" * 1000 + " > 0 and " + "not " * 1000 + "true")
    assert expr.nodes[-1].kind == "binary" and expr.nodes[-1].value == "and"
    assert len(expr.nodes) == 1 + 1 + 1 + 1000 + 1 + 1


def test_parser_is_built_once() -> None:
    assert get_parser() is get_parser()
