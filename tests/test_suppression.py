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


# ---------------------------------------------------------------- SUP002: a code nothing reports

GOOD = "  channel c strength 0.5\n  power p\n  resource r = 10\n  responsibility d requires p, r\n"


def sup002(report: spherelang.Report) -> list[tuple[int, int, int, str, str | None]]:
    return [(v.span.line, v.span.column, v.span.end_column, v.message, v.hint)
            for v in report.violations if v.code == "SUP002"]


def test_an_allow_naming_an_unknown_code_is_sup002_at_the_code(write) -> None:  # type: ignore[no-untyped-def]
    path = write('sphere A : political {\n  allow BAL0004 "typo"\n  allow BAL004 "known, unused"\n' + GOOD + "}\n")
    report = spherelang.check(path)
    assert sup002(report) == [(2, 9, 16, "unknown code 'BAL0004' in allow", "did you mean 'BAL004'?")]
    assert report.violations[0].severity.label == "warning" and report.violations[0].sphere == "A"
    assert not report.fails()


def test_an_unknown_code_in_a_comment_is_sup002_and_not_also_sup001(write) -> None:  # type: ignore[no-untyped-def]
    path = write("sphere A : political {  // sphere: ignore[NEST0003, ELA001]\n" + GOOD + "}\n")
    found = [(v.code, v.message) for v in spherelang.check(path).violations]
    assert found == [("SUP001", "unused suppression: 'ELA001' on this line"),
                     ("SUP002", "unknown code 'NEST0003' in a suppression comment")]


def test_codes_of_the_models_rules_and_of_plugins_are_known(write, monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from spherelang.rulelang import plugins

    registry = plugins.RuleRegistry()
    registry.loaded = True
    monkeypatch.setattr(plugins, "REGISTRY", registry)
    plugins.rule("PYX001", "a plugin's rule", "warning")(lambda model: iter(()))
    # the rule is declared by the entry that imports this file: known to the run, so not SUP002
    write('sphere N : political {\n  allow ORG001 "reviewed"\n  allow PYX001 "plugin"\n  allow NOPE1 "x"\n'
          + GOOD + "}\n", "n.sphere")
    write('import "n.sphere"\nrule ORG001 "r" {\n  for s in spheres\n  require true\n}\n', "a.sphere")
    report = check_entries(find_entries([str(tmp_path)]))
    assert [(v.span.line, v.code) for v in report.violations] == [(4, "SUP002")]


def test_sup002_can_be_silenced_selected_and_configured(write) -> None:  # type: ignore[no-untyped-def]
    comment = write('sphere A : political {\n  allow XYZ "x"  // sphere: ignore[SUP002]\n' + GOOD + "}\n")
    assert spherelang.check(comment).violations == ()  # and the comment was used: no SUP001
    allowed = write('sphere A : political {\n  allow XYZ "x"\n  allow SUP002 "a legacy pack"\n' + GOOD + "}\n")
    assert spherelang.check(allowed).violations == ()
    plain = write('sphere A : political {\n  allow XYZ "x"\n' + GOOD + "}\n")
    assert spherelang.check(plain, ignore=["SUP002"]).violations == ()
    assert [v.severity.label for v in spherelang.check(plain, severity={"SUP002": "error"}).violations] == ["error"]


def test_sup002_in_a_model_that_does_not_parse_is_not_judged(write) -> None:  # type: ignore[no-untyped-def]
    path = write('sphere A : political {\n  allow XYZ "x"\n  power\n}\n')
    assert [v.code for v in spherelang.check(path).violations] == ["SPH001"]
