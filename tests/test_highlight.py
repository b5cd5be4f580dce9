"""Highlighting: the Pygments lexer (spherelang.highlight) and the TextMate grammar
(editors/vscode/syntaxes/sphere.tmLanguage.json).

Both read every model in the repository without an error token and the same
way as each other; both know every keyword of the grammar; the lexer is found
by name and file name through its entry point; and a few snippets have golden
token streams."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexers import find_lexer_class_for_filename, get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Whitespace

import spherelang
from spherelang.highlight import SphereLexer
from spherelang.syntax.keywords import CONTEXTUAL, KEYWORDS
from spherelang.syntax.terminals import pattern

from .support import examples
from .test_architecture import import_graph
from .textmate import Grammar

ROOT = Path(__file__).resolve().parents[1]
GRAMMAR = ROOT / "editors" / "vscode" / "syntaxes" / "sphere.tmLanguage.json"
#: every model in the repository: the examples, every case (the conformance cases included), goldens, regressions
MODELS = sorted([*(ROOT / "examples").rglob("*.sphere"), *(ROOT / "tests").rglob("*.sphere")])


@cache
def grammar() -> Grammar:
    return Grammar(json.loads(GRAMMAR.read_text(encoding="utf-8")))


def lex(text: str) -> list[str]:
    """The lexer's tokens, whitespace left out, as 'Type value'."""
    return [f"{str(kind).removeprefix('Token.')} {value}" for kind, value in SphereLexer().get_tokens(text)
            if kind not in Whitespace]


def scopes(text: str) -> list[str]:
    """The grammar's tokens, blanks left out, as 'innermost-scope text'."""
    return [f"{scope[-1] if scope else '-'} {part}" for line in grammar().tokenize(text)
            for part, scope in line if part.strip()]


def model_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def test_the_corpus_is_there() -> None:
    assert len(MODELS) > 300
    assert any("conformance" in p.parts for p in MODELS) and any(p.parent.name == "examples" for p in MODELS)


# ---------------------------------------------------------------- the lexer on every model


def _problems(text: str) -> list[str]:
    """What is wrong with the lexer's reading of ``text``: an Error token, a
    token that is not where the text says, or text lost or added."""
    found = []
    at = 0
    for index, kind, value in SphereLexer().get_tokens_unprocessed(text):
        if kind in Error:
            found.append(f"Error token {value!r} at {index}")
        if index != at or text[index : index + len(value)] != value:
            found.append(f"token {value!r} claims offset {index}, the text is at {at}")
        at += len(value)
    if at != len(text):
        found.append(f"the tokens cover {at} of {len(text)} characters")
    found += [f"Error token {v!r} after normalising" for k, v in SphereLexer().get_tokens(text) if k in Error]
    return found


def test_the_lexer_reads_every_model_without_an_error_token_and_loses_nothing() -> None:
    failures = {str(p.relative_to(ROOT)): problems for p in MODELS if (problems := _problems(model_text(p)))}
    assert not failures


@settings(max_examples=examples(2))
@given(st.text(st.sampled_from('sphere A:{}()[]"\\/ \n\r\t.,;=<>±+-*/_09eE{}йΣ\ufeff@#«') | st.characters()))
def test_the_lexer_reads_any_text_without_an_error_token_and_loses_nothing(text: str) -> None:
    assert _problems(text) == []


@settings(max_examples=examples(1))
@given(st.from_regex(pattern("NUMBER"), fullmatch=True), st.sampled_from(["KZT", "FTE", "тенге", "year"]))
def test_every_number_the_grammar_reads_is_one_number_to_both_and_the_name_after_it_a_unit(number: str,
                                                                                           unit: str) -> None:
    kind = "Float" if re.search(r"[.eE]", number) else "Integer"
    text = f"resource r = {number} {unit}"
    assert lex(text)[-2:] == [f"Literal.Number.{kind} {number}", f"Name.Constant {unit}"]
    assert scopes(text)[-2:] == [f"constant.numeric.{kind.lower()}.sphere {number}",
                                 f"keyword.other.unit.sphere {unit}"]


def test_a_character_the_language_has_no_use_for_is_plain_text_not_an_error() -> None:
    assert lex("power audit @") == ["Keyword.Declaration power", "Name.Variable audit", "Text @"]


def test_an_unclosed_string_ends_with_its_line() -> None:
    assert lex('power a "open\npower b') == [
        "Keyword.Declaration power", "Name.Variable a", 'Literal.String.Double "', "Literal.String.Double open",
        "Keyword.Declaration power", "Name.Variable b"]


# ---------------------------------------------------------------- the two highlighters agree

#: what each highlighter calls a thing, most specific first
_LEXER_KINDS = [
    (Comment.Special, "directive"), (Name.Label, "code"), (Comment, "comment"), (String.Interpol, "hole"),
    (String.Escape, "escape"), (String, "string"), (Number, "number"), (Name.Constant, "unit"),
    (Keyword.Type, "layer"), (Name.Class, "sphere"), (Name.Namespace, "path"), (Name.Function, "function"),
    (Name.Variable, "declared"), (Name.Attribute, "attribute"), (Operator, "operator"), (Keyword, "keyword"),
    (Punctuation, "punctuation"), (Name, "name"),
]
_GRAMMAR_KINDS = [
    ("keyword.other.directive.suppression", "directive"), ("comment.line.double-slash.suppression", "directive"),
    ("constant.other.diagnostic-code", "code"),
    ("comment", "comment"), ("meta.interpolation", "hole"), ("constant.character.escape", "escape"),
    ("string", "string"), ("constant.numeric", "number"), ("keyword.other.unit", "unit"),
    ("entity.other.inherited-class.layer", "layer"), ("entity.name.type", "sphere"),
    ("entity.name.namespace", "path"), ("entity.name.function", "function"), ("entity.name.variable", "declared"),
    ("variable.parameter", "declared"), ("variable.other.property", "attribute"),
    ("keyword.operator.expression", "keyword"), ("keyword.operator", "operator"), ("keyword", "keyword"),
    ("constant.language", "keyword"), ("punctuation", "punctuation"), ("variable.other", "name"),
]
#: punctuation that belongs to what it delimits (a string's quotes, a hole's braces)
_PART_OF_PARENT = ("punctuation.definition", "punctuation.section.interpolation")


@cache
def _lexer_kind(kind: object) -> str | None:
    return next((name for token, name in _LEXER_KINDS if kind in token), None)


@cache
def _grammar_kind(stack: tuple[str, ...]) -> str | None:
    for scope in reversed(stack):
        if not scope.startswith(_PART_OF_PARENT):
            for prefix, name in _GRAMMAR_KINDS:
                if scope.startswith(prefix):
                    return name
    return None


def _disagreements(text: str, tm: Grammar | None = None) -> list[str]:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")  # as an editor hands the grammar its lines
    by_lexer = [_lexer_kind(kind) for _, kind, value in SphereLexer().get_tokens_unprocessed(text) for _ in value]
    by_grammar = [kind for line in (tm or grammar()).tokenize(text)
                  for kind in [_grammar_kind(stack) for part, stack in line for _ in part] + [None]]
    lines = text.split("\n")
    return [f"line {text.count(chr(10), 0, i) + 1} {lines[text.count(chr(10), 0, i)]!r}: {ch!r} is "
            f"{by_lexer[i]} to the lexer, {by_grammar[i]} to the grammar"
            for i, ch in enumerate(text) if not ch.isspace() and by_lexer[i] != by_grammar[i]]


def test_the_lexer_and_the_grammar_read_every_model_the_same_way() -> None:
    failures = {str(p.relative_to(ROOT)): found[:3] for p in MODELS if (found := _disagreements(model_text(p)))}
    assert not failures


def test_the_agreement_check_sees_a_difference() -> None:
    """The comparison would be blind if it mapped everything to one kind, or
    missed a rule gone from the grammar."""
    text = 'sphere A : body "t" { resource r = 5 KZT from B.r; allow X001 "y" }  // sphere: ignore[Y]'
    assert _disagreements(text) == []
    assert len({_lexer_kind(k) for _, k, _ in SphereLexer().get_tokens_unprocessed(text)}) >= 12
    raw = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    raw["patterns"] = [p for p in raw["patterns"] if p != {"include": "#quantities"}]
    assert any("'K' is unit to the lexer, name to the grammar" in d for d in _disagreements(text, Grammar(raw)))


# ---------------------------------------------------------------- keywords, in step with the grammar


@pytest.mark.parametrize("word", sorted(KEYWORDS))
def test_every_keyword_is_a_keyword_to_both(word: str) -> None:
    [(kind, value)] = [(k, v) for k, v in SphereLexer().get_tokens(word) if k not in Whitespace]
    assert kind in Keyword and value == word
    assert re.match(r"(keyword|constant\.language)\.", scopes(word)[0])


@pytest.mark.parametrize("word", sorted(KEYWORDS))
def test_a_keyword_after_a_dot_or_spelled_otherwise_is_a_name_to_both(word: str) -> None:
    assert lex(f"p.{word}")[-1] == f"Name.Attribute {word}"
    assert scopes(f"p.{word}")[-1] == f"variable.other.property.sphere {word}"
    assert lex(word.capitalize()) == [f"Name {word.capitalize()}"]
    assert scopes(word.capitalize()) == [f"variable.other.sphere {word.capitalize()}"]
    assert lex(f"{word}_x") == [f"Name {word}_x"]


@pytest.mark.parametrize("word", sorted(KEYWORDS))
def test_a_keyword_after_an_amount_is_not_a_unit(word: str) -> None:
    assert "Name.Constant" not in " ".join(lex(f"resource r = 5 {word}"))
    assert "keyword.other.unit" not in " ".join(scopes(f"resource r = 5 {word}"))


def test_the_grammar_lists_exactly_the_keywords() -> None:
    raw = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    listed = set()
    for rule in raw["repository"]["keywords"]["patterns"]:
        listed |= set(re.search(r"\(([a-z_|]+)\)", rule["match"]).group(1).split("|"))
    assert listed == set(KEYWORDS)


def test_year_and_illustrative_are_keywords_only_in_an_indicator_or_a_capacity() -> None:
    assert set(CONTEXTUAL) == {"year", "illustrative"}
    for text in ('indicator i = 1 of 9 year 2019 "s" illustrative', "capacity 0.5 ± 0.1 illustrative"):
        assert {t for t in lex(text) if t.startswith("Keyword.Pseudo")} <= {"Keyword.Pseudo year",
                                                                              "Keyword.Pseudo illustrative"}
        assert "Keyword.Pseudo illustrative" in lex(text)
        assert "keyword.other.contextual.sphere illustrative" in scopes(text)
    assert "Keyword.Pseudo year" in lex("indicator i = 1 of 9 year 2019")
    assert lex("power year; resource illustrative = 5 year") == [
        "Keyword.Declaration power", "Name.Variable year", "Punctuation ;", "Keyword.Declaration resource",
        "Name.Variable illustrative", "Operator =", "Literal.Number.Integer 5", "Name.Constant year"]
    assert scopes("power year; resource illustrative = 5 year") == [
        "keyword.other.member.sphere power", "entity.name.variable.member.sphere year",
        "punctuation.terminator.statement.sphere ;", "keyword.other.member.sphere resource",
        "entity.name.variable.member.sphere illustrative", "keyword.operator.assignment.sphere =",
        "constant.numeric.integer.sphere 5", "keyword.other.unit.sphere year"]


# ---------------------------------------------------------------- suppressions, as the parser reads them

SUPPRESSION_COMMENTS = [
    "// sphere: ignore[BAL004]", "//sphere:ignore[BAL004,REF001]", "// sphere: ignore", "// sphere:  ignore[ ]",
    "// sphere: ignore[BAL004]  // funded next year", "// note // sphere: ignore[BAL004]",
    "// sphere: ignore[BAL004] trailing words", "// sphere ignore[BAL004]", "// sphere: ignored", "// plain",
    "// sphere: ignore[BAL004", "// expect: SUP001",
]


@pytest.mark.parametrize("comment", SUPPRESSION_COMMENTS)
def test_a_comment_is_a_suppression_to_the_highlighters_exactly_when_it_is_one_to_the_parser(comment: str) -> None:
    text = f"sphere N : political {{ channel c strength 0.6 }}  {comment}\n"
    is_one = bool(spherelang.parse(text).suppressions)
    assert ("Comment.Special" in " ".join(lex(text))) is is_one
    assert ("keyword.other.directive.suppression" in " ".join(scopes(text))) is is_one


# ---------------------------------------------------------------- golden token streams


def test_golden_sphere_header() -> None:
    text = 'sphere Agency : operational "Customs agency" within Nation.Finance {'
    assert lex(text) == [
        "Keyword.Declaration sphere", "Name.Class Agency", "Punctuation :", "Keyword.Type operational",
        'Literal.String.Double "', "Literal.String.Double Customs agency", 'Literal.String.Double "',
        "Keyword within", "Name.Namespace Nation.Finance", "Punctuation {"]
    assert scopes(text) == [
        "keyword.other.sphere.sphere sphere", "entity.name.type.sphere.sphere Agency",
        "punctuation.separator.colon.sphere :", "entity.other.inherited-class.layer.sphere operational",
        'punctuation.definition.string.begin.sphere "', "string.quoted.double.sphere Customs agency",
        'punctuation.definition.string.end.sphere "', "keyword.other.sphere within",
        "entity.name.namespace.path.sphere Nation.Finance", "punctuation.section.block.begin.sphere {"]


def test_golden_layers() -> None:
    assert lex("layers political > administrative // outermost first") == [
        "Keyword.Declaration layers", "Keyword.Type political", "Operator >", "Keyword.Type administrative",
        "Comment.Single // outermost first"]


def test_golden_member_with_a_unit_and_an_uncertainty() -> None:
    assert lex("resource budget = 15_000_000 KZT from Nation.treasury") == [
        "Keyword.Declaration resource", "Name.Variable budget", "Operator =", "Literal.Number.Integer 15_000_000",
        "Name.Constant KZT", "Keyword from", "Name.Namespace Nation.treasury"]
    assert scopes("responsibility r requires tax, budget 2.5e6 KZT shared") == [
        "keyword.other.member.sphere responsibility", "entity.name.variable.member.sphere r",
        "keyword.other.requires.sphere requires", "variable.other.sphere tax", "punctuation.separator.comma.sphere ,",
        "variable.other.sphere budget", "constant.numeric.float.sphere 2.5e6", "keyword.other.unit.sphere KZT",
        "keyword.other.shared.sphere shared"]
    text = 'indicator trust = 3 ± 0.5 in 0..10 year 2019 "Survey"'
    assert lex(text) == [
        "Keyword.Declaration indicator", "Name.Variable trust", "Operator =", "Literal.Number.Integer 3",
        "Operator ±", "Literal.Number.Float 0.5", "Keyword in", "Literal.Number.Integer 0", "Operator ..",
        "Literal.Number.Integer 10", "Keyword.Pseudo year", "Literal.Number.Integer 2019",
        'Literal.String.Double "', "Literal.String.Double Survey", 'Literal.String.Double "']
    assert "keyword.operator.uncertainty.sphere +/-" in scopes("capacity 0.4 +/- 0.1")


def test_golden_allow() -> None:
    assert lex('allow BAL004 "kept in reserve"') == [
        "Keyword.Declaration allow", "Name.Label BAL004", 'Literal.String.Double "',
        "Literal.String.Double kept in reserve", 'Literal.String.Double "']
    assert scopes("allow BAL004")[1] == "constant.other.diagnostic-code.sphere BAL004"


def test_golden_suppression_comment() -> None:
    text = "power p  // sphere: ignore[BAL001, nest002]  // granted next year"
    assert lex(text) == [
        "Keyword.Declaration power", "Name.Variable p", "Comment.Special // sphere: ignore", "Punctuation [",
        "Name.Label BAL001", "Punctuation ,", "Name.Label nest002", "Punctuation ]",
        "Comment.Single   // granted next year"]
    assert scopes(text) == [
        "keyword.other.member.sphere power", "entity.name.variable.member.sphere p",
        "punctuation.definition.comment.sphere //", "keyword.other.directive.suppression.sphere sphere: ignore",
        "punctuation.section.brackets.begin.sphere [", "constant.other.diagnostic-code.sphere BAL001",
        "punctuation.separator.comma.sphere ,", "constant.other.diagnostic-code.sphere nest002",
        "punctuation.section.brackets.end.sphere ]", "comment.line.double-slash.sphere   // granted next year"]


def test_golden_rule_block() -> None:
    text = ('rule ORG001 "two powers" warning {\n  for s in spheres where s.layer == "operational"\n'
            '  require count(s.powers) >= 2\n  message "{s.path} holds {{few}}"\n}')
    assert lex(text) == [
        "Keyword.Declaration rule", "Name.Label ORG001", 'Literal.String.Double "', "Literal.String.Double two powers",
        'Literal.String.Double "', "Keyword warning", "Punctuation {",
        "Keyword for", "Name.Variable s", "Keyword in", "Name spheres", "Keyword where", "Name s", "Punctuation .",
        "Name.Attribute layer", "Operator ==", 'Literal.String.Double "', "Literal.String.Double operational",
        'Literal.String.Double "',
        "Keyword require", "Name.Function count", "Punctuation (", "Name s", "Punctuation .", "Name.Attribute powers",
        "Punctuation )", "Operator >=", "Literal.Number.Integer 2",
        "Keyword message", 'Literal.String.Double "', "Literal.String.Interpol {s.path}",
        "Literal.String.Double  holds ", "Literal.String.Escape {{", "Literal.String.Double few",
        "Literal.String.Escape }}", 'Literal.String.Double "',
        "Punctuation }"]
    assert scopes('message "{s.path} holds {{few}}"') == [
        "keyword.other.message.sphere message", 'punctuation.definition.string.begin.sphere "',
        "punctuation.section.interpolation.begin.sphere {", "meta.embedded.expression.sphere s.path",
        "punctuation.section.interpolation.end.sphere }", "string.quoted.double.template.sphere  holds ",
        "constant.character.escape.sphere {{", "string.quoted.double.template.sphere few",
        "constant.character.escape.sphere }}", 'punctuation.definition.string.end.sphere "']


def test_golden_scenario() -> None:
    assert lex("scenario cut { in Nation.Ministry { capacity 0.4 }; remove Nation.Agency }") == [
        "Keyword.Declaration scenario", "Name.Function cut", "Punctuation {", "Keyword in",
        "Name.Namespace Nation.Ministry", "Punctuation {", "Keyword.Declaration capacity", "Literal.Number.Float 0.4",
        "Punctuation }", "Punctuation ;", "Keyword remove", "Name.Namespace Nation.Agency", "Punctuation }"]


# ---------------------------------------------------------------- the grammar file


def test_the_grammar_is_a_textmate_grammar_for_sphere_files() -> None:
    raw = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    assert raw["scopeName"] == "source.sphere"
    assert raw["fileTypes"] == ["sphere"]
    assert raw["name"] and raw["patterns"] and raw["repository"]


def _rules(node: object) -> list[dict]:
    """Every dict in the grammar that is a rule or holds captures' names."""
    found, todo = [], [node]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            found.append(item)
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return found


def test_every_include_resolves_every_regex_compiles_and_every_scope_is_sphere_s() -> None:
    raw = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    for rule in _rules(raw):
        target = rule.get("include")
        if target is not None:
            assert target == "$self" or target.removeprefix("#") in raw["repository"], target
        for key in ("match", "begin", "end"):
            if isinstance(rule.get(key), str):
                re.compile(rule[key])  # the grammar keeps to what Oniguruma and Python's re both read alike
        for key in ("name", "contentName"):
            if isinstance(rule.get(key), str) and rule is not raw:  # the grammar's own name is "Sphere"
                assert all(s.endswith(".sphere") for s in rule[key].split()), rule[key]


# ---------------------------------------------------------------- the entry point and the package


def test_pygments_finds_the_lexer_by_name_and_by_file_name() -> None:
    assert isinstance(get_lexer_by_name("sphere"), SphereLexer)
    assert find_lexer_class_for_filename("model.sphere") is SphereLexer
    assert isinstance(get_lexer_for_filename("examples/kazakhstan.sphere"), SphereLexer)


def test_pygmentize_highlights_a_model(tmp_path: Path) -> None:
    model = tmp_path / "m.sphere"
    model.write_text('sphere Nation : political "State" {\n  allow BAL004 "kept"\n}\n', encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "pygments", "-l", "sphere", "-f", "html", str(model)],
                         capture_output=True, text=True, check=True).stdout
    assert '<span class="nc">Nation</span>' in out
    assert '<span class="nl">BAL004</span>' in out
    assert 'class="err"' not in out


def test_pygments_is_not_a_dependency_and_nothing_imports_the_lexer() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.lower().startswith("pygments") for d in project["dependencies"])
    assert any(d.lower().startswith("pygments") for d in project["optional-dependencies"]["test"])
    assert project["entry-points"]["pygments.lexers"] == {"sphere": "spherelang.highlight:SphereLexer"}
    importers = sorted(m for m, targets in import_graph().items() if "spherelang.highlight" in targets)
    assert not importers
    for path in (ROOT / "spherelang").rglob("*.py"):
        if path.name != "highlight.py":
            assert not re.search(r"^\s*(from|import)\s+pygments", path.read_text(encoding="utf-8"), re.M), path
