"""The fast path gives exactly the LALR parser's AST, or gives up.

Differential: every .sphere file in the repository (the public conformance
cases included, in tests/cases/conformance), generated national models, and
random layouts of accepted files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spherelang.syntax import parser as P
from spherelang.syntax.building import CURRENT_FILE, SUPPRESSIONS
from spherelang.syntax.fastpath import parse_fast
from spherelang.syntax.source import decode
from spherelang.syntax.transform import parse_embedded_expr

from .modelgen import generate
from .support import examples

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(p for base in (ROOT / "examples", ROOT / "tests") for p in base.rglob("*.sphere"))


def lalr(text: str, path: str) -> object:
    """The reference: the grammar alone (the fast path switched off)."""
    token, sink = CURRENT_FILE.set(path), SUPPRESSIONS.set([])
    messages = parse_embedded_expr.set(P._embedded_expr)
    try:
        return P.get_parser().parse(text, start="start")
    except Exception as exc:  # noqa: BLE001 - any failure is "not a valid file"
        return type(exc).__name__
    finally:
        parse_embedded_expr.reset(messages)
        SUPPRESSIONS.reset(sink)
        CURRENT_FILE.reset(token)


def fast(text: str, path: str) -> object:
    """The fast path in the context parse_source gives it."""
    token, sink = CURRENT_FILE.set(path), SUPPRESSIONS.set([])
    messages = parse_embedded_expr.set(P._embedded_expr)
    try:
        return parse_fast(text, path, P.MAX_NESTING, P._parse_block)
    finally:
        parse_embedded_expr.reset(messages)
        SUPPRESSIONS.reset(sink)
        CURRENT_FILE.reset(token)


def texts() -> list[tuple[str, str]]:
    out = []
    for path in FILES:
        try:
            out.append((str(path), decode(path.read_bytes())))
        except Exception:  # noqa: BLE001 - bad encodings are the loader's business
            continue
    return out


TEXTS = texts()


@pytest.mark.parametrize(("path", "text"), TEXTS, ids=[Path(p).name for p, _ in TEXTS])
def test_fast_path_agrees_with_the_grammar(path: str, text: str) -> None:
    got = fast(text, path)
    if got is not None:
        assert got == lalr(text, path)


def test_fast_path_takes_the_common_files() -> None:
    taken = sum(fast(t, p) is not None for p, t in TEXTS)
    assert taken >= len(TEXTS) // 3  # most plain models; rules and scenarios go to the grammar


@pytest.mark.parametrize("layout", ["plain", "rich"])
def test_generated_national_model(tmp_path: Path, layout: str) -> None:
    generate(300, str(tmp_path / "m"), layout=layout)
    text = decode((tmp_path / "m" / "model.sphere").read_bytes())
    got = fast(text, "m.sphere")
    assert got is not None and got == lalr(text, "m.sphere")


@pytest.mark.parametrize(("layout", "files"), [("plain", 1), ("rich", 1), ("rich", 4)])
def test_generated_models_report_exactly_what_was_seeded(tmp_path: Path, layout: str, files: int) -> None:
    """The benchmark's models, in either layout: the checker finds the seeded
    violations at their lines, and nothing else but COR001 on ranked bodies."""
    import json

    import spherelang

    summary = generate(2000, str(tmp_path / "m"), files=files, seed=5, rate=0.01, layout=layout)
    expected = json.loads((tmp_path / "m" / "expected.json").read_text(encoding="utf-8"))
    report = spherelang.check(summary["entry"])
    found = sorted((d.code, Path(d.file).name, d.line) for d in report if d.code != "COR001")
    seeded = sorted((v["code"], Path(v["file"]).name, v["line"]) for v in expected["violations"])
    assert seeded and found == seeded


PLAIN = [t for _, t in TEXTS if fast(t, "x") is not None]


@settings(max_examples=examples(4))
@given(st.sampled_from(PLAIN or ["sphere A : b {\n}\n"]), st.data())
def test_random_spacing_and_edits_never_disagree(text: str, data: st.DataObject) -> None:
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(0, 4))):
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        edit = data.draw(st.sampled_from(["indent", "space", "tab", "drop", "dup", "keyword", "semi", "comment"]))
        line = lines[i]
        if edit == "indent":
            lines[i] = "\t " + line
        elif edit in ("space", "tab") and " " in line:
            at = data.draw(st.sampled_from([k for k, c in enumerate(line) if c == " "]))
            lines[i] = line[:at] + (" " if edit == "space" else "\t") + line[at:]
        elif edit == "drop":
            del lines[i]
        elif edit == "dup":
            lines.insert(i, line)
        elif edit == "keyword" and " " in line:
            lines[i] = line.replace(" ", " in ", 1)
        elif edit == "semi":
            lines[i] = line + ";"
        elif edit == "comment":
            lines[i] = line + "  // sphere: ignore[BAL001] " + data.draw(st.sampled_from(['"', "{", "x"]))
    mutated = "\n".join(lines)
    got = fast(mutated, "m")
    if got is not None:
        assert got == lalr(mutated, "m")


def test_rule_and_scenario_blocks_go_to_the_grammar_alone() -> None:
    text = (
        'model "m"\n'
        "sphere Nation : political {\n  channel c strength 0.5\n  power tax\n}\n"
        'rule R1 "bodies" warning {   // sphere: ignore[RUL001]\n  for s in spheres where s.layer == "body"\n'
        '  require count(s.powers) >= 1\n  message "{s.path} has {count(s.powers)} {{powers}}"\n}\n'
        "sphere Other : political {\n  channel c strength 0.5\n}\n"
        "scenario s1 {\n  in Nation { power more; sphere Kid : body { power tax } }\n  remove Other\n}\n"
    )
    got = fast(text, "m.sphere")
    assert got is not None and got == lalr(text, "m.sphere")
    assert got.rules[0].require.span.line == 8 and got.scenarios[0].changes[1].span.line == 16
    assert [s.span.line for s in got.suppressions] == [6]
    # a block with something after its closing brace is left to the grammar
    assert fast(text.replace("  remove Other\n}\n", "  remove Other\n} sphere X : body { }\n"), "m") is None


UNUSUAL_MEMBER_LINES = [
    "  power a; power b",
    "  resource r = 1_000 USD; resource q = 2 USD  // sphere: ignore[BAL004]",
    '  indicator x = 0.5 ± 0.1 in 0..1 year 2019 "a source" illustrative',
    "  indicator y = 12 +/- 2 of 190 year 2018",
    "  capacity 0.4 ± 0.05 illustrative",
    "\tpower  c ;power d",
]


@pytest.mark.parametrize("line", UNUSUAL_MEMBER_LINES)
def test_an_unusual_member_line_costs_that_line_not_the_file(line: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path keeps the file and hands only the line to the grammar;
    the result is the grammar's own AST."""
    text = ("sphere N : political {\n  channel c strength 0.6\n" + "  power p\n" * 50 + line + "\n"
            + "  power q\n" * 50 + "}\n")
    calls: list[str] = []
    real = P._parse_block
    monkeypatch.setattr(P, "_parse_block", lambda block: calls.append(block) or real(block))
    parsed, took_fast = P.parse_source(text, "m.sphere")
    assert took_fast
    if ";" in line:
        assert calls == []  # statements joined by ';' are read piece by piece by the line patterns
    else:
        assert len(calls) == 1 and calls[0].splitlines() == ["sphere S : s {", line, "}"]  # in a stand-in
    assert parsed == P.parse_source(text, "m.sphere", fast_path=False)[0]
