"""The language server's parts without a client: positions in each encoding,
the text scan behind completion and symbols, which file shows which
diagnostics, and the check of a document against `sphere check` over every
model the repository holds."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

from spherelang.catalog import all_codes
from spherelang.cli.options import build_config
from spherelang.diagnostics import Span
from spherelang.pipeline import check_entries
from spherelang.rulelang.plugins import RuleRegistry, rule
from spherelang.server import analysis as server_analysis
from spherelang.server import diagnostics as server_diagnostics
from spherelang.server.actions import Fixer
from spherelang.server.analysis import Analysis, Request, analyse
from spherelang.server.completion import Names, complete
from spherelang.server.diagnostics import Publisher
from spherelang.server.documents import Snapshot, TextSource
from spherelang.server.hover import hover_text
from spherelang.server.hover import text as hover_markdown
from spherelang.server.navigation import definition, document_symbols
from spherelang.server.positions import UTF8, UTF16, UTF32, Lines
from spherelang.server.scan import braces, cursor

from .support import examples

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="module")
def _unfrozen() -> Iterator[None]:
    """Checking a document freezes the process's objects for the collector (see
    ``spherelang.server.analysis.freeze``): the rest of the suite gets them back."""
    yield
    gc.unfreeze()

# ---------------------------------------------------------------- positions

_CHARS = st.sampled_from(["a", " ", "é", "Ж", "😀", "𝔸", "\n", "\r\n", "\r", "\t", "\u2028"])


@given(st.lists(_CHARS, max_size=30), st.booleans(), st.sampled_from([UTF8, UTF16, UTF32]))
def test_positions_convert_both_ways(parts: list[str], bom: bool, encoding: str) -> None:
    text = ("\ufeff" if bom else "") + "".join(parts)
    lines = Lines(text, encoding)
    for index in range(len(lines)):
        line = lines.line(index)
        first = 1 + (1 if bom and index == 0 else 0)
        for column in range(1, len(line) - first + 3):
            position = lines.position(index + 1, column)
            assert lines.column(position) == (index + 1, column)
            assert lines.position_at(lines.offset(position)) == position


def test_columns_count_the_encodings_units() -> None:
    lines = Lines('a😀b\r\nxé"', UTF16)
    assert lines.position(1, 3) == types.Position(0, 3)  # after the emoji: 1 + 2 units
    assert Lines('a😀b', UTF8).position(1, 3) == types.Position(0, 5)
    assert Lines('a😀b', UTF32).position(1, 3) == types.Position(0, 2)
    assert lines.line(0) == "a😀b" and lines.line(1) == 'xé"'
    assert lines.column(types.Position(0, 2)) == (1, 2)  # inside the surrogate pair: the emoji itself
    assert lines.end() == types.Position(1, 3)
    assert Lines("\ufeffab").position(1, 1) == types.Position(0, 1)  # the editor counts the BOM
    assert lines.range(Span("f", 1, 2, 9, 1)).end == lines.end()  # past the end: the end


# ---------------------------------------------------------------- the scan


def test_braces_skip_strings_and_comments() -> None:
    text = 'sphere A : x "{" {  // }\n  sphere B : y { }\n}\n'
    found = braces(text)
    assert sorted(found.items()) == [(text.index("{  //"), text.rindex("}")), (text.index("{ }"), text.index("}\n}"))]


def test_the_cursor_knows_its_blocks_and_statement() -> None:
    text = ('sphere A : x {\n  power p; power q\n  sphere B : y "t" {\n    responsibility r requires p, \n  }\n}\n'
            'scenario S {\n  in A.B { power z }\n  remove \n}\n')
    here = cursor(text, text.index("p, \n") + 3)
    assert [b.kind for b in here.blocks] == ["sphere", "sphere"] and here.sphere == "A.B"
    assert here.statement.strip() == "responsibility r requires p,"
    outer = cursor(text, text.index("power q") + 7)
    assert outer.sphere == "A" and [text[s:s + 7] for s in outer.siblings] == ["  power"]
    assert cursor(text, text.index("remove ") + 7).kind == "scenario"
    assert cursor(text, text.index("power z")).sphere == "A.B"
    within = cursor("sphere C : y within A.B {\n  \n}\n", 28)
    assert within.sphere == "A.B.C"
    assert cursor('sphere A : x "ti', 16).in_string
    assert cursor("power p // sphere: ig", 21).comment == "// sphere: ig"


# ---------------------------------------------------------------- who shows what


def _d(code: str) -> types.Diagnostic:
    return types.Diagnostic(types.Range(types.Position(0, 0), types.Position(0, 1)), code, code=code)


def test_an_open_document_shows_its_own_model_and_the_rest_merge() -> None:
    pub = Publisher()
    pub.update("/a", {"/a": [_d("X")], "/lib": [_d("L1")]})
    pub.update("/b", {"/b": [], "/lib": [_d("L1"), _d("L2")], "/a": [_d("Y")]})
    assert pub.changes() == [("/a", [_d("X")]), ("/lib", [_d("L1"), _d("L2")])]
    assert pub.changes(["/b"]) == [("/b", [])]  # unchanged but asked for
    pub.forget("/b")
    assert pub.changes() == [("/lib", [_d("L1")])]
    pub.update("/a", {"/a": []})
    assert pub.changes() == [("/a", []), ("/lib", [])]  # cleared
    assert pub.changes() == []


# ---------------------------------------------------------------- the same as sphere check


def _models() -> list[Path]:
    found = sorted(p for top in ("tests/cases", "examples") for p in (ROOT / top).rglob("*.sphere"))
    # a spread over every family, kept quick, and an entry over the size limit (an editor's text is held to it)
    return [*found[:: max(1, len(found) // 60)], ROOT / "tests/cases/loading/sph006_file_over_the_size_limit/large.sphere"]


@pytest.mark.parametrize("path", _models(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_document_gets_what_sphere_check_reports(path: Path) -> None:
    entry = os.path.abspath(path)
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    if "\udc80" <= max(text, default=" ") or "\x00" in text:
        pytest.skip("not text an editor would hold")
    report = check_entries([entry], build_config((), (), None, None, None, None, None, entry, cache=False))
    result = analyse(Request(entry, Snapshot({entry: (path.as_uri(), text, 1)}), 1))
    assert result.problem is None
    assert result.diagnostics == report.violations


def test_the_command_line_loads_the_server_only_to_serve() -> None:
    code = ("import sys\nfrom spherelang.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "server" in result.stdout and result.stdout.strip().endswith("[]")


# ---------------------------------------------------------------- never a crash

SEED = """\
model "m"
import "missing.sphere"
layers political > administrative > body

sphere A : political "T" {
  allow ELA001 "r"
  channel c strength 0.5
  capacity 0.4
  power tax
  resource budget = 10 USD
  responsibility r "d" requires tax, budget 5 USD shared
  indicator i = 3 of 10 year 2019 "s"
  sphere B : administrative {
    power tax from A.tax  // sphere: ignore[BAL001]
    resource budget = 5 USD from A.budget
    responsibility s requires tax, budget
  }
}
sphere C : body within A.B { capacity 0.9 }
rule ORG001 "x" { for s in spheres; require s.title != null }
scenario S { in A.B { capacity 0.7 }; remove A.B.budget }
"""
_PIECES = st.sampled_from(["{", "}", '"', ".", ",", ";", "\n", "from", "requires", "sphere", "A.", "😀", "//", " ",
                           "in", "allow", "ignore[", "within", "x", "=", ":"])


def _mutate(data: st.DataObject) -> str:
    text = SEED
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 12)))
        text = text[:start] + "".join(data.draw(st.lists(_PIECES, max_size=3))) + text[end:]
    return text


def _every_answer(analysis: Analysis, text: str, offsets: list[int]) -> None:
    """What the server's handlers compute, at each offset of ``text`` (the
    document now), from ``analysis`` (its last check, maybe of another text)."""
    now = Lines(text)
    codes = {c: ("error", i.summary) for c, i in all_codes().items()}
    source = TextSource(analysis.snapshot)
    for offset in offsets:
        position = now.position_at(offset)
        line, column = now.column(position)
        if analysis.index is not None and analysis.model is not None:
            found = analysis.index.locate(line, column, analysis.lines)
            if found is not None:
                hover_text(found, analysis.model, analysis.binding, codes, analysis.entry)
                definition(found, analysis.model, analysis.entry, source)
        complete(cursor(text, offset), Names(analysis.model, {c: s for c, (_, s) in codes.items()}, text))
    if analysis.index is not None:
        document_symbols(analysis.index, analysis.lines)
    fixer = Fixer(analysis.entry, analysis.lines, analysis.index, analysis.model)
    for d in analysis.diagnostics:
        for fix in fixer.fixes(d):
            for edit in fix.edits:
                assert edit.range.end.line < len(analysis.lines)


@settings(max_examples=examples(0.5))
@given(st.data())
def test_no_text_breaks_a_handler(data: st.DataObject) -> None:
    entry = str(ROOT / "tests" / "virtual" / "doc.sphere")
    good = analyse(Request(entry, Snapshot({entry: ("file:///doc.sphere", SEED, 1)}), 1))
    text = _mutate(data)
    now = analyse(Request(entry, Snapshot({entry: ("file:///doc.sphere", text, 2)}), 2))
    assert now.problem is None and now.diagnostics
    offsets = data.draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=25))
    _every_answer(now, text, offsets)
    _every_answer(good, text, offsets)  # the last check that parsed, against the text as it is now


def _plugin(model: object) -> list[object]:
    return []


def test_a_python_rules_code_links_to_its_function(monkeypatch: pytest.MonkeyPatch) -> None:
    made = rule("PLG001", "a plugin's rule", registry=RuleRegistry())(_plugin)
    monkeypatch.setattr(server_diagnostics, "registered_rules", lambda: [made])
    links = server_diagnostics.code_links(None, Snapshot())
    line = _plugin.__code__.co_firstlineno
    assert links == {"PLG001": f"{Path(__file__).as_uri()}#L{line}"}
    assert server_diagnostics.href("PLG001", links) == links["PLG001"]
    assert server_diagnostics.href("NOPE001", links).startswith("https://")  # no page: the index of the codes


@pytest.mark.parametrize("written, shown", [
    ("estimate -0.3 (rank 107) on *the* scale", r"estimate -0.3 (rank 107) on \*the\* scale"),
    ("- not a list", r"\- not a list"),
    ("12. not numbered", r"12\. not numbered"),
    ("# not a heading", r"\# not a heading"),
    ("a_b | c\nd", r"a\_b \| c d"),
])
def test_user_text_in_a_hover_shows_as_written(written: str, shown: str) -> None:
    assert hover_markdown(written) == shown


class _Cycle:
    me: object = None


def test_frozen_cycles_are_collected_in_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """A checked model is frozen out of the collector's way; cyclic garbage
    frozen with it is collected at the next full collection."""
    monkeypatch.setattr(server_analysis, "COLLECT_EVERY", 3)
    monkeypatch.setattr(server_analysis, "_checks", [0])
    entry = str(ROOT / "tests" / "virtual" / "gc.sphere")
    request = Request(entry, Snapshot({entry: ("file:///gc.sphere", SEED, 1)}), 1)
    gc.disable()  # only the collections the checks make may reach the garbage
    garbage = _Cycle()
    garbage.me = garbage
    alive = weakref.ref(garbage)
    del garbage
    try:
        analyse(request)
        assert gc.get_freeze_count() > 0 and alive() is not None  # frozen: no collection reaches it
        analyse(request)
        analyse(request)
        assert alive() is None
    finally:
        gc.unfreeze()
        gc.enable()
