"""Trailing `// sphere: ignore[...]` comments and SUP001 for unused ones."""

from __future__ import annotations

from pathlib import Path

import pytest

import spherelang
from spherelang.cli import find_entries
from spherelang.pipeline import check_entries


def codes(path: Path) -> list[tuple[int, str]]:
    return [(v.span.line, v.code) for v in spherelang.check(path).violations]


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "sphere.toml").write_text("")

    def _write(text: str, name: str = "m.sphere") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return _write


def test_a_trailing_comment_suppresses_the_named_codes_on_its_line(write) -> None:  # type: ignore[no-untyped-def]
    path = write("sphere A : political {   // sphere: ignore[ELA001]\n"
                 "  power x                 // sphere: ignore[bal001]\n"
                 "  resource r = 1\n}\n")
    assert codes(path) == [(3, "BAL004")]


def test_without_codes_every_code_on_the_line_is_suppressed(write) -> None:  # type: ignore[no-untyped-def]
    path = write("sphere A : political {  // sphere: ignore\n  power x\n}\n")
    assert codes(path) == [(2, "BAL001")]


def test_unused_codes_and_unused_comments_are_sup001(write) -> None:  # type: ignore[no-untyped-def]
    path = write("sphere A : political {  // sphere: ignore[ELA001, NEST003]\n"
                 "}  // sphere: ignore\n")
    report = spherelang.check(path)
    assert [(v.span.line, v.code, v.severity.label) for v in report.violations] == [
        (1, "SUP001", "warning"), (2, "SUP001", "warning")]
    assert "'NEST003'" in report.violations[0].message and "ELA001" not in report.violations[0].message


def test_a_suppression_in_a_shared_file_is_used_if_any_model_needs_it(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write("sphere N : political {\n  channel c strength 0.5\n  power p\n"
          "  resource r = 10      // sphere: ignore[BAL004]\n  responsibility d requires p\n}\n", "n.sphere")
    write('import "n.sphere"\nsphere A : body within N {\n  power p\n  resource r = 1\n'
          "  responsibility d requires p, r\n}\n", "a.sphere")
    report = check_entries(find_entries([str(tmp_path)]))
    assert ("SUP001" not in {v.code for v in report.violations})
    assert {v.code for v in report.violations} == {"BAL003"}


def test_select_and_ignore_apply_to_sup001(write) -> None:  # type: ignore[no-untyped-def]
    path = write("sphere A : political {  // sphere: ignore[ELA001, NEST003]\n  channel c strength 0.5\n}\n")
    assert spherelang.check(path, ignore=["SUP"]).violations == ()
