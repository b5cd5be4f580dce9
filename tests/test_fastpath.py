"""The fast path gives exactly the LALR parser's AST, or gives up.

Differential: every .sphere file in the repository and the public conformance
cases, generated national models, and random layouts of accepted files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spherelang.syntax import parser as P
from spherelang.syntax.fastpath import parse_fast
from spherelang.syntax.source import decode
from spherelang.syntax.transform import CURRENT_FILE, SUPPRESSIONS

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(p for base in (ROOT / "examples", ROOT / "tests", ROOT.parent / "shared" / "conformance")
               if base.is_dir() for p in base.rglob("*.sphere"))


def lalr(text: str, path: str) -> object:
    """The reference: the grammar alone (the fast path switched off)."""
    token, sink = CURRENT_FILE.set(path), SUPPRESSIONS.set([])
    try:
        return P.get_parser().parse(text, start="start")
    except Exception as exc:  # noqa: BLE001 - any failure is "not a valid file"
        return type(exc).__name__
    finally:
        SUPPRESSIONS.reset(sink)
        CURRENT_FILE.reset(token)


def fast(text: str, path: str) -> object:
    token, sink = CURRENT_FILE.set(path), SUPPRESSIONS.set([])
    try:
        return parse_fast(text, path, P.MAX_NESTING)
    finally:
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


def test_generated_national_model(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    generate(300, str(tmp_path / "m"))
    text = decode((tmp_path / "m" / "model.sphere").read_bytes())
    got = fast(text, "m.sphere")
    assert got is not None and got == lalr(text, "m.sphere")


PLAIN = [t for _, t in TEXTS if fast(t, "x") is not None]


@settings(max_examples=150, deadline=None)
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
