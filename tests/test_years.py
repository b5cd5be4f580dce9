"""Years, series, uncertainty and provenance (LANGUAGE.md §8.3, §8.4, §8.7):
the syntax, which value counts, ``--year``, ``sphere trend`` and the
``illustrative`` marks, on small models whose figures are worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import spherelang
from spherelang.cli import cli
from spherelang.syntax import ParseFailure, parse_text
from spherelang.syntax.parser import get_parser

from .test_fastpath import fast, lalr


def members(text: str) -> tuple[object, ...]:
    return parse_text(text, "t.sphere").spheres[0].members


# ---------------------------------------------------------------- syntax


def test_new_forms_parse_with_their_parts() -> None:
    ind, rank, cap = members(
        "sphere A : political {\n"
        '  indicator s = 0.4 ± 0.05 in 0..1 lower_is_better year 2019 "WB" illustrative\n'
        "  indicator r = 12 +/- 2 of 190 year 2018\n"
        "  capacity 0.5 ± 0.1 illustrative\n}\n")
    assert (ind.uncertainty.value, ind.year.value, ind.source, ind.illustrative, ind.lower_is_better) == (
        0.05, 2019, "WB", True, True)
    assert (rank.uncertainty.text, rank.year.text, rank.illustrative, rank.source) == ("2", "2018", False, None)
    assert (cap.value.value, cap.uncertainty.value, cap.illustrative) == (0.5, 0.1, True)


def test_plain_forms_have_no_year_no_uncertainty_and_are_not_illustrative() -> None:
    ind, cap = members("sphere A : political {\n  indicator r = 1 of 5\n  capacity 0.3\n}\n")
    assert (ind.uncertainty, ind.year, ind.illustrative) == (None, None, False)
    assert (cap.uncertainty, cap.illustrative) == (None, False)


@pytest.mark.parametrize("text", [
    "sphere year : political {\n  power year\n}\n",
    "sphere A : political {\n  resource illustrative = 1\n  responsibility r requires illustrative\n}\n",
    "sphere A : political {\n  indicator year = 1 of 5 year 2019\n}\n",
    "sphere A : political {\n  indicator illustrative = 1 of 5 illustrative\n}\n",
    "layers year > illustrative\nsphere A : year {\n  sphere B : illustrative within A { }\n}\n",
])
def test_year_and_illustrative_stay_names_elsewhere(text: str) -> None:
    parse_text(text.replace(" within A", ""), "t.sphere")


def test_rule_expressions_may_name_year_and_illustrative() -> None:
    text = ('rule R "x" {\n  for year in indicators where year.illustrative\n'
            '  require year.year == null or year.year >= 2000\n}\n')
    assert parse_text(text, "t.sphere").rules[0].var.text == "year"


@pytest.mark.parametrize(("line", "words"), [
    ("indicator a = 1 of 5 yearly", "expected the end of the statement, a string, 'illustrative', 'year'"),
    ('indicator a = 1 of 5 "s" year 2019', "expected the end of the statement, 'illustrative'"),
    ("capacity 0.5 ±", "expected a number"),
    ("indicator a = 1 of 5 illustrative year 2019", "expected the end of the statement"),
])
def test_misplaced_new_forms_are_syntax_errors_in_words(line: str, words: str) -> None:
    with pytest.raises(ParseFailure) as info:
        parse_text(f"sphere A : political {{\n  {line}\n}}\n", "t.sphere")
    assert info.value.finding.code == "SPH001" and words in info.value.finding.message


NEW_FORM_LINES = [
    '  indicator s = 0.4 ± 0.05 in 0..1 lower_is_better year 2019 "WB" illustrative',
    "  indicator r = 12 +/- 2 of 190 year 2018",
    "  indicator r = 12 of 190 year 2019",
    "  indicator p = 3 of 10 illustrative",
    '  indicator q = 3 of 10 "src" illustrative',
    "  capacity 0.5 ± 0.1",
    "  capacity 0.5 illustrative",
]


@pytest.mark.parametrize("line", NEW_FORM_LINES)
def test_fast_path_gives_the_grammars_ast_or_gives_up(line: str) -> None:
    text = f"sphere A : political {{\n  power p\n{line}\n  resource r = 1\n}}\n"
    got = fast(text, "m.sphere")
    assert got is None or got == lalr(text, "m.sphere")
    assert parse_text(text, "m.sphere") == lalr(text, "m.sphere")
