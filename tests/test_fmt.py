"""``sphere fmt`` as a library: golden layouts, and properties over every model
in the repository (the public conformance cases included, in
tests/cases/conformance), and over random re-layouts of them (idempotence,
meaning preservation, comments kept, canonical shape).

Run ``pytest --update-golden tests/test_fmt.py`` after a deliberate layout
change and review the diff of ``tests/golden/fmt/*.formatted.sphere``.
"""

from __future__ import annotations

import io
import os
import random
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spherelang
from spherelang import SphereSyntaxError
from spherelang.fmt import FormatResult, format_bytes, format_text, strip_positions, unified_diff
from spherelang.fmt.command import run
from spherelang.fmt.equivalence import suppression_bindings
from spherelang.fmt.layout import LINE_BOUND
from spherelang.fmt.tokens import tokens
from spherelang.syntax.source import BOM, prepare

from .support import examples

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "fmt"
CORPUS_DIRS = {"examples": ROOT / "examples", "cases": ROOT / "tests" / "cases"}


# ---------------------------------------------------------------- corpus


def _corpus() -> list[tuple[str, str]]:
    """(id, text) of every .sphere file that decodes and parses (SPH001/SPH005 skipped)."""
    found = []
    for name, base in CORPUS_DIRS.items():
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.sphere")):
            try:
                text = path.read_bytes().decode("utf-8")
                spherelang.parse(text, str(path))
            except (UnicodeDecodeError, SphereSyntaxError):
                continue
            ident = f"{name}/{path.relative_to(base)}"
            found.append((ident, text))
    return found


CORPUS = _corpus()
CORPUS_TEXTS = [text for _, text in CORPUS]


def test_corpus_is_not_empty() -> None:
    assert len(CORPUS) > 50


def _meaning(text: str) -> object:
    """The AST without positions, and which statements share a line with each suppression."""
    file = spherelang.parse(text, "x.sphere")
    return strip_positions(file), suppression_bindings(file)


def _model(text: str) -> object:
    """The AST without positions and without suppression comments."""
    return strip_positions(attrs.evolve(spherelang.parse(text, "x.sphere"), suppressions=()))


def _comments(text: str) -> list[str]:
    return [t.value.rstrip() for t in tokens(prepare(text)) if t.type == "COMMENT"]


def assert_canonical_shape(out: str) -> None:
    """What every formatted text looks like, whatever the input."""
    if out == "":
        return
    assert out.endswith("\n") and not out.endswith("\n\n"), "exactly one final newline"
    assert not out.startswith("\n"), "no blank line at the start"
    assert "\r" not in out and not out.startswith(BOM), "LF only, no BOM"
    assert "\n\n\n" not in out, "at most one blank line in a row"
    toks = tokens(out)
    # a line ending in a suppression or expectation comment keeps its statements together
    glued = {t.line for t in toks if t.type == "COMMENT" and LINE_BOUND.search(t.value)}
    assert not any(t.type == "_SEMI" and t.line not in glued for t in toks), "statements joined with ';'"
    lines = out.split("\n")[:-1]
    for number, line in enumerate(lines, 1):
        assert line == line.rstrip(), f"trailing whitespace on line {number}"
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        assert indent % 2 == 0, f"odd indentation on line {number}"
        assert not body[:1].isspace(), f"indentation other than spaces on line {number}"
        if body.startswith("}") and number not in glued:
            assert body == "}" or body.startswith("}  //"), f"'}}' not alone on line {number}"
        if number > 1 and body == "}" and lines[number - 2] == "":
            pytest.fail(f"blank line before '}}' on line {number}")


def assert_formats_well(source: str, path: str = "x.sphere") -> str:
    out = format_text(source, path)
    assert_canonical_shape(out)
    assert format_text(out, path) == out, "not idempotent"
    assert _meaning(out) == _meaning(source), "meaning changed"
    assert _comments(out) == _comments(source), "comments lost, changed or reordered"
    return out


@pytest.mark.parametrize("text", CORPUS_TEXTS, ids=[ident for ident, _ in CORPUS])
def test_corpus_file_formats_well(text: str) -> None:
    assert_formats_well(text)


def _copy_corpus(target: Path, formatted: bool) -> list[str]:
    """The corpus directories copied under ``target`` (a project root), with every
    .sphere file formatted if ``formatted``; returns the entry paths, relative."""
    import shutil

    (target / "pyproject.toml").write_text("[project]\nname = 'copy'\n")
    entries = []
    for name, base in CORPUS_DIRS.items():
        if not base.is_dir():
            continue
        shutil.copytree(base, target / name, ignore=shutil.ignore_patterns(".sphere_cache"), symlinks=True)
        for path in sorted((target / name).rglob("*.sphere")):
            entries.append(str(path.relative_to(target)))
            if formatted and not path.is_symlink():
                try:
                    path.write_text(format_text(path.read_bytes().decode("utf-8"), str(path)), encoding="utf-8")
                except (UnicodeDecodeError, SphereSyntaxError):
                    pass
    return entries


def test_formatting_keeps_diagnostics_and_expectations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every model of the corpus, checked in a copy whose files are all formatted,
    gives the same diagnostics (apart from positions) as in a plain copy, and
    `sphere test` judges it the same."""
    from spherelang.expect import compare, read_expectations

    def judge(root: Path) -> dict[str, tuple[list[tuple], int]]:  # type: ignore[type-arg]
        monkeypatch.chdir(root)
        verdicts = {}
        for entry in entries:
            report = spherelang.check(entry)
            if any(d.code in ("SPH001", "SPH005") for d in report.violations):
                continue
            real = os.path.realpath(root)
            found = sorted((os.path.relpath(os.path.realpath(d.span.file), real), d.code, d.severity,
                            d.sphere or "", d.message.replace(real, "<root>").replace(str(root), "<root>"),
                            d.subject or "")
                           for d in report.violations)
            judged = {os.path.realpath(entry)}
            verdicts[entry] = (found, len(compare(read_expectations([entry]), report.violations, judged)))
        return verdicts

    (tmp_path / "plain").mkdir()
    (tmp_path / "formatted").mkdir()
    entries = _copy_corpus(tmp_path / "plain", formatted=False)
    assert _copy_corpus(tmp_path / "formatted", formatted=True) == entries
    plain = judge(tmp_path / "plain")
    formatted = judge(tmp_path / "formatted")
    assert len(plain) > 50
    assert formatted.keys() == plain.keys()
    for entry, (found, mismatches) in plain.items():
        assert formatted[entry][0] == found, entry
        assert formatted[entry][1] == mismatches, f"{entry}: sphere test judges the formatted file differently"


# ---------------------------------------------------------------- random re-layouts

_COMMENTS = ("// hyp", "//", '// { ; } "x" //', "// Ωмир 世界", "//\tтаб", "// sphere: ignore[BAL001]",
             "// sphere: ignore", "// expect: BAL004")


def _ws(rnd: random.Random, least: int) -> str:
    return "".join(rnd.choice(" \t\f") for _ in range(rnd.randint(least, 3)))


def relayout(text: str, rnd: random.Random, *, extras: bool) -> str:
    """``text`` with its tokens laid out anew: random spaces and tabs between
    tokens and as indentation, newlines inside () and []; with ``extras`` also
    blank lines, own-line and trailing comments (inside brackets too) and ``;``
    instead of a newline."""
    text = prepare(text)
    # a line break inside brackets could move a suppression comment off its statement's line
    breaks = extras or "sphere:" not in text
    out: list[str] = []
    pos = 0
    paren = 0
    prev = None
    for tok in tokens(text):
        gap = text[pos:tok.start_pos]
        value = tok.value
        if prev is not None and prev.type == "COMMENT":
            new = ""  # a comment runs to the end of its line
        elif paren:
            new = _ws(rnd, 0 if gap == "" else 1)
            if breaks and rnd.random() < 0.5:
                new = "\n" + _ws(rnd, 0)
            if extras and rnd.random() < 0.2:
                new += " " + rnd.choice(_COMMENTS) + "\n" + _ws(rnd, 0)
        elif prev is None or prev.type == "_NL":
            new = _ws(rnd, 0)
            if extras and rnd.random() < 0.2:
                new = "\n" * rnd.randint(1, 3) + _ws(rnd, 0)
            if extras and rnd.random() < 0.2:
                new = _ws(rnd, 0) + rnd.choice(_COMMENTS) + "\n" + new
        else:
            new = _ws(rnd, 0 if gap == "" else 1)
            if tok.type == "_NL" and extras:
                choice = rnd.random()
                if choice < 0.15:
                    new += rnd.choice(_COMMENTS)
                elif choice < 0.3:
                    value = ";"
        out.append(new)
        out.append(value)
        if tok.type in ("LPAR", "LSQB"):
            paren += 1
        elif tok.type in ("RPAR", "RSQB"):
            paren -= 1
        prev = tok
        pos = tok.end_pos
    out.append(text[pos:])
    return "".join(out)


_SLOW = settings(max_examples=examples(1.5))


@_SLOW
@given(st.sampled_from(CORPUS_TEXTS), st.integers(0, 2**32))
def test_whitespace_never_matters(text: str, seed: int) -> None:
    """Spaces, tabs, indentation and line breaks inside brackets do not change the output."""
    mutated = relayout(text, random.Random(seed), extras=False)
    assert _meaning(mutated) == _meaning(text)
    assert format_text(mutated) == format_text(text)


@_SLOW
@given(st.sampled_from(CORPUS_TEXTS), st.integers(0, 2**32))
def test_relayouts_format_well(text: str, seed: int) -> None:
    """With blank lines, comments anywhere (suppressions too) and `;` thrown in:
    idempotent, meaning-preserving, every comment kept in order, canonical shape."""
    mutated = relayout(text, random.Random(seed), extras=True)
    assert _model(mutated) == _model(text)
    assert_formats_well(mutated)


@settings(max_examples=examples(0.75))
@given(st.sampled_from(CORPUS_TEXTS), st.booleans(), st.booleans())
def test_line_ends_and_bom_do_not_matter(text: str, crlf: bool, bom: bool) -> None:
    text = text.removeprefix(BOM)  # a corpus file may carry its own BOM already
    variant = (BOM if bom else "") + (prepare(text).replace("\n", "\r\n") if crlf else text)
    assert format_text(variant) == format_text(text)


# ---------------------------------------------------------------- golden layouts


def _golden_inputs() -> list[str]:
    return sorted(p.name for p in GOLDEN.glob("*.sphere") if not p.name.endswith(".formatted.sphere"))


def test_golden_inputs_cover_the_brief() -> None:
    names = set(_golden_inputs())
    assert {"messy_spacing.sphere", "semicolons.sphere", "comments.sphere", "rules.sphere", "scenarios.sphere",
            "unicode.sphere", "crlf.sphere", "bom.sphere", "blank_lines.sphere", "numbers_strings.sphere",
            "suppressions.sphere"} <= names
    assert b"\r\n" in (GOLDEN / "crlf.sphere").read_bytes()
    assert (GOLDEN / "bom.sphere").read_bytes().startswith(BOM.encode())


@pytest.mark.parametrize("name", _golden_inputs())
def test_golden(name: str, update_golden: bool) -> None:
    source_path = GOLDEN / name
    expected_path = GOLDEN / name.replace(".sphere", ".formatted.sphere")
    source = source_path.read_bytes().decode("utf-8")
    out = assert_formats_well(source, str(source_path))
    if update_golden or not expected_path.exists():
        expected_path.write_bytes(out.encode("utf-8"))
        if not update_golden:
            pytest.fail(f"wrote missing golden file {expected_path.name}; review and commit it")
    assert out == expected_path.read_bytes().decode("utf-8")
    assert format_text(out) == out


@pytest.mark.parametrize("name", _golden_inputs())
def test_golden_keeps_diagnostics(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked as a file, each golden input and its formatted text report the same
    diagnostics apart from positions (suppressions and unused suppressions included)."""
    source = (GOLDEN / name).read_bytes()
    found = []
    for kind, data in (("plain", source), ("formatted", format_bytes(source, name).formatted.encode())):
        (tmp_path / kind).mkdir()
        (tmp_path / kind / name).write_bytes(data)
        monkeypatch.chdir(tmp_path / kind)
        report = spherelang.check(name)
        found.append(sorted((d.code, d.sphere or "", d.message, d.subject or "") for d in report.violations))
    assert found[0] == found[1]


# ---------------------------------------------------------------- depth and size


def _nested(depth: int) -> str:
    opening = "".join(f"sphere S{i} : body {{ power p{i}; resource r = -{i}.5e1 KZT\n" for i in range(depth))
    return opening + "}" * depth + "\n"


def test_thousand_deep_spheres_format() -> None:
    out = assert_formats_well(_nested(1000))
    deepest = [line for line in out.split("\n") if line.strip() == "power p999"]
    assert deepest == [" " * 2000 + "power p999"]


def test_thousand_deep_expression_formats() -> None:
    expr = "(" * 1000 + "1" + ")" * 1000
    out = assert_formats_well(f"rule D \"deep\" {{ for s in spheres; require {expr} == 1 }}\n")
    assert f"  require {expr} == 1\n" in out


# ---------------------------------------------------------------- small cases


@pytest.mark.parametrize(("source", "expected"), [
    ("", ""),
    ("\n\n  \n", ""),
    ("// only a comment   ", "// only a comment\n"),
    ("sphere A : b {}", "sphere A : b { }\n"),
    ("sphere A : b {\n\n}", "sphere A : b { }\n"),
    ("sphere A : b { } // c", "sphere A : b { }  // c\n"),
    ("sphere A : b { // c\n}", "sphere A : b {  // c\n}\n"),
    ("sphere A : b { power p }", "sphere A : b {\n  power p\n}\n"),
    ("sphere A : b {\n  power p\n\n\n}\n\n\n", "sphere A : b {\n  power p\n}\n"),
    ("sphere A : b {\n  power p\n  // end\n}", "sphere A : b {\n  power p\n  // end\n}\n"),
    ("sphere A : b { power p; sphere B : c { } }", "sphere A : b {\n  power p\n\n  sphere B : c { }\n}\n"),
    ("sphere A : b {\n  sphere B : c { }\n}", "sphere A : b {\n  sphere B : c { }\n}\n"),
    ("model \"m\"\nsphere A : b { }\nsphere B : b { }",
     "model \"m\"\n\nsphere A : b { }\n\nsphere B : b { }\n"),
    ("model \"m\"\nimport \"a\"\n\n\nimport \"b\"\nlayers a > b",
     "model \"m\"\nimport \"a\"\n\nimport \"b\"\nlayers a > b\n"),
    ("sphere A : b {\n  power p\n  // about B\n  sphere B : c { }\n}",
     "sphere A : b {\n  power p\n\n  // about B\n  sphere B : c { }\n}\n"),
    ("sphere A : b { resource r = - 5 KZT ; responsibility x requires r - 5 KZT }",
     "sphere A : b {\n  resource r = -5 KZT\n  responsibility x requires r -5 KZT\n}\n"),
    ("rule R \"s\" { for s in spheres\n require - s.x - - 1 * ( 2 ) > f ( - 1 ) }",
     "rule R \"s\" {\n  for s in spheres\n  require -s.x - -1 * (2) > f(-1)\n}\n"),
    ("rule R \"s\" { for s in spheres\n require not(s in [ ]) and s.in . sphere == [ 1 , ] }",
     "rule R \"s\" {\n  for s in spheres\n  require not (s in []) and s.in.sphere == [1,]\n}\n"),
    ("rule R \"s\" {\n for s in spheres\n require f(a, // one\n   b) // two\n}",
     "rule R \"s\" {\n  for s in spheres\n  // one\n  require f(a, b)  // two\n}\n"),
    # line-bound comments: a suppression or expectation applies to its whole line
    ("sphere A : b { power p; power q // sphere: ignore[BAL001]\n}",
     "sphere A : b { power p; power q  // sphere: ignore[BAL001]\n}\n"),
    ("sphere A : b {\n  power p;power q // expect: BAL001, BAL001\n}",
     "sphere A : b {\n  power p; power q  // expect: BAL001, BAL001\n}\n"),
    ("sphere A : b {\n} // sphere: ignore[ELA001]", "sphere A : b {\n}  // sphere: ignore[ELA001]\n"),
    ("sphere A : b { } // sphere: ignore[ELA001]", "sphere A : b { }  // sphere: ignore[ELA001]\n"),
    ("sphere A : b { power p } ; sphere C : b { } // sphere: ignore",
     "sphere A : b { power p }; sphere C : b { }  // sphere: ignore\n"),
    ("rule R \"s\" { for s in spheres where f(a, // sphere: ignore[RUL001]\n b)\n require true }",
     "rule R \"s\" {  // sphere: ignore[RUL001]\n  for s in spheres where f(a, b)\n  require true\n}\n"),
])
def test_small_cases(source: str, expected: str) -> None:
    assert format_text(source) == expected
    assert format_text(expected) == expected


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("source", [
    "sphere A : b {\n  power\n}\n",
    "sphere A : b {",
    "rule R \"s\" { for s in spheres }",
    'model "a"\nmodel "b"\n',
    "sphere A : b { power p \"unterminated }\n",
])
def test_syntax_error_raises_like_parse(source: str) -> None:
    with pytest.raises(SphereSyntaxError) as raised:
        spherelang.parse(source, "bad.sphere")
    with pytest.raises(SphereSyntaxError) as formatted:
        format_text(source, "bad.sphere")
    assert formatted.value.diagnostic == raised.value.diagnostic
    assert formatted.value.diagnostic.code == "SPH001"


@pytest.mark.parametrize("data", [b"sphere A : b { power \xff }", b"sphere A : b {\x00}"])
def test_encoding_error_is_sph005(data: bytes) -> None:
    with pytest.raises(SphereSyntaxError) as raised:
        format_bytes(data, "bad.sphere")
    assert raised.value.diagnostic.code == "SPH005"


def test_format_bytes_result() -> None:
    result = format_bytes(b"\xef\xbb\xbfsphere A : b { }\r\n", "a.sphere")
    assert isinstance(result, FormatResult)
    assert result.changed and result.formatted == "sphere A : b { }\n"
    diff = result.diff()
    assert diff.startswith("--- a.sphere\t(original)\n+++ a.sphere\t(formatted)\n")
    assert "-\\ufeffsphere A : b { }\\r\n" in diff and "+sphere A : b { }\n" in diff
    assert not format_bytes(b"sphere A : b { }\n", "a.sphere").changed


def test_unified_diff_marks_missing_final_newline() -> None:
    diff = unified_diff("power", "power\n", "p.sphere")
    assert "\\ No newline at end of file" in diff
    assert unified_diff("same\n", "same\n", "p.sphere") == ""


# ---------------------------------------------------------------- the command body


@pytest.fixture
def files(tmp_path: Path) -> Iterator[dict[str, Path]]:
    made = {
        "messy": tmp_path / "messy.sphere",
        "clean": tmp_path / "clean.sphere",
        "bad": tmp_path / "bad.sphere",
    }
    made["messy"].write_bytes(b"sphere A:b{power p;power q}\r\n")
    made["clean"].write_bytes(b"sphere A : b {\n  power p\n}\n")
    made["bad"].write_bytes(b"sphere A : b {\n  power\n}  \n")
    yield made


def _run(paths: list[str], stdin: bytes = b"", **flags: bool) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(paths, stdin=io.BytesIO(stdin), stdout=out, stderr=err, **flags)
    return status, out.getvalue(), err.getvalue()


def test_run_rewrites_and_leaves_broken_files_alone(files: dict[str, Path]) -> None:
    bad_before = files["bad"].read_bytes()
    status, out, err = _run([str(p) for p in files.values()])
    assert status == 1
    assert out == ""
    assert f"{files['bad']}:2:8: SPH001 " in err
    assert "1 file reformatted, 1 file left unchanged, 1 file not formatted (errors above)" in err
    assert files["messy"].read_bytes() == b"sphere A : b {\n  power p\n  power q\n}\n"
    assert files["bad"].read_bytes() == bad_before
    assert _run([str(files["messy"]), str(files["clean"])]) == (0, "", "0 files reformatted, 2 files left unchanged\n")


def test_run_check_and_diff_write_nothing(files: dict[str, Path]) -> None:
    before = {name: p.read_bytes() for name, p in files.items()}
    status, out, _ = _run([str(files["messy"]), str(files["clean"])], check=True)
    assert (status, out) == (1, f"would reformat: {files['messy']}\n")
    status, out, _ = _run([str(files["messy"]), str(files["clean"])], diff=True)
    assert status == 1 and out.startswith(f"--- {files['messy']}\t(original)\n") and "+  power q\n" in out
    assert _run([str(files["clean"])], check=True)[0] == 0
    assert {name: p.read_bytes() for name, p in files.items()} == before


def test_run_stdin() -> None:
    assert _run(["-"], stdin=b"sphere A:b{}") == (0, "sphere A : b { }\n", "")
    assert _run(["-"], stdin=b"sphere A : b { }\n", check=True) == (0, "", "")
    status, out, err = _run(["-"], stdin=b"sphere A:b{}", check=True)
    assert (status, out) == (1, "would reformat: <stdin>\n")
    status, out, err = _run(["-"], stdin=b"sphere A : b {")
    assert (status, out) == (1, "") and err.startswith("<stdin>:1:15: SPH001 ")
