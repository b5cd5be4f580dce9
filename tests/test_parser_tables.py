"""The shipped LALR tables (grammar/sphere.lark.tables) stand for the grammar.

A process loads them instead of building the parser; these tests hold them to
the grammar they were made from and keep the loading safe.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import lark
import pytest

from spherelang.syntax import tables
from spherelang.syntax.building import collect_comment
from spherelang.syntax.parser import PostLexer
from spherelang.syntax.transform import ToAst

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted([*ROOT.glob("examples/**/*.sphere"), *ROOT.glob("tests/cases/**/*.sphere")])


def _header() -> dict:
    return pickle.loads(tables.tables_path().read_bytes())


def test_tables_were_made_from_the_current_grammar() -> None:
    assert _header()["grammar"] == tables.grammar_digest(), "run: python -m spherelang.syntax.tables"


def test_tables_were_made_by_the_installed_lark() -> None:
    made_by = _header()["lark"]
    if made_by != lark.__version__:
        pytest.skip(f"tables made by lark {made_by}, {lark.__version__} installed: processes build the parser "
                    "(correct, slower); run: python -m spherelang.syntax.tables")
    assert tables._shipped_tables() is not None


def _built() -> lark.Lark:
    return lark.Lark(tables.grammar_text(), **tables._OPTIONS, postlex=PostLexer(collapse=True),
                     transformer=ToAst(), lexer_callbacks={"COMMENT": collect_comment})


def _loaded() -> lark.Lark:
    shipped = tables._shipped_tables()
    if shipped is None:
        pytest.skip("the shipped tables do not fit this lark")
    return lark.Lark.__new__(lark.Lark)._load(shipped, postlex=PostLexer(collapse=True), transformer=ToAst(),
                                              lexer_callbacks={"COMMENT": collect_comment})


def test_loaded_parser_reads_every_file_as_the_built_one_does() -> None:
    built, loaded = _built(), _loaded()
    read = 0
    for path in CORPUS:
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n").lstrip("\ufeff")
        outcomes = []
        for parser in (built, loaded):
            try:
                outcomes.append(parser.parse(text, start="start"))
            except Exception as exc:  # noqa: BLE001 - both parsers must fail alike
                outcomes.append((type(exc).__name__, getattr(exc, "line", None), getattr(exc, "column", None)))
        assert outcomes[0] == outcomes[1], path
        read += 1
    assert read > 100


def test_the_process_parser_comes_from_the_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    if tables._shipped_tables() is None:
        pytest.skip("the shipped tables do not fit this lark")
    calls: list[object] = []
    real = tables.Lark

    class Counting(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            calls.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(tables, "Lark", Counting)
    parser = tables.build(postlex=PostLexer(collapse=True), transformer=ToAst())
    assert calls == []  # no grammar analysis
    assert parser.parse('model "m"\nlayers a\nsphere A : a { power p }\n', start="start").spheres


def _write(tmp_path: Path, payload: object) -> Path:
    path = tmp_path / "sphere.lark.tables"
    path.write_bytes(pickle.dumps(payload))
    return path


@pytest.mark.parametrize("change", ["grammar", "lark", "format"])
def test_stale_tables_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    header = _header()
    header[change] = "something else"
    monkeypatch.setattr(tables, "tables_path", lambda: _write(tmp_path, header))
    assert tables._shipped_tables() is None
    parser = tables.build(postlex=PostLexer(collapse=True), transformer=ToAst())  # built from the grammar instead
    assert parser.parse('model "m"\nlayers a\n', start="start").layers


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo unsafe > tables-ran-code",))


def test_tables_holding_code_are_refused_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tables, "tables_path", lambda: _write(tmp_path, {"format": 1, "payload": _Boom()}))
    assert tables._shipped_tables() is None
    assert not (tmp_path / "tables-ran-code").exists()


def test_missing_or_garbled_tables_fall_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    garbled = tmp_path / "garbled"
    garbled.write_bytes(b"\x80\x04not a pickle")
    for path in (tmp_path / "missing", garbled):
        monkeypatch.setattr(tables, "tables_path", lambda path=path: path)
        assert tables._shipped_tables() is None
    parser = tables.build(postlex=PostLexer(collapse=True), transformer=ToAst())
    assert parser.parse('model "m"\nlayers a\nsphere A : a { power p; power q }\n', start="start").spheres
