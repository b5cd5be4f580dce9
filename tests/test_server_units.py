"""The language server's parts without a client: positions in each encoding,
the text scan behind completion and symbols, which file shows which
diagnostics, and the check of a document against `sphere check` over every
model the repository holds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types

from spherelang.cli.options import build_config
from spherelang.diagnostics import Span
from spherelang.pipeline import check_entries
from spherelang.server.analysis import Request, analyse
from spherelang.server.diagnostics import Publisher
from spherelang.server.documents import Snapshot
from spherelang.server.positions import UTF8, UTF16, UTF32, Lines
from spherelang.server.scan import braces, cursor

ROOT = Path(__file__).resolve().parent.parent

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
