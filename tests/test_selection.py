"""Rule selection with ruff's precedence: a configuration's select, extend-select,
ignore and extend-ignore, then the command line's on top (``--select`` replaces
the selection, the others adjust it); within a layer the most specific selector
decides, and ignore wins a tie."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spherelang.cli import main
from spherelang.config import Config, Selection

MODEL = """\
sphere Nation : political {
  channel elections strength 0.2
  power tax
  resource revenue = 100 USD
  resource spare = 1 USD
  responsibility collection requires tax, revenue
}
"""  # BAL004 (spare) and ELA002 (elasticity 0.2), both warnings


def codes(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, set[str]]:
    with pytest.raises(SystemExit) as info:
        main(["check", "--format", "json", "--no-cache", *args])
    status = int(info.value.code or 0)
    assert status in (0, 1), capsys.readouterr().err
    return status, {v["code"] for v in json.loads(capsys.readouterr().out)["violations"]}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "m.sphere").write_text(MODEL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("toml", "args", "expected"), [
    # the file alone
    ('select = ["BAL"]\n', [], {"BAL004"}),
    ('extend-select = ["ELA"]\n', [], {"BAL004", "ELA002"}),
    ('extend-ignore = ["ELA"]\n', [], {"BAL004"}),
    ('ignore = ["BAL"]\nextend-ignore = ["ELA"]\n', [], set()),
    ('select = ["BAL"]\nextend-select = ["ELA002"]\n', [], {"BAL004", "ELA002"}),
    # a more specific selector wins within a layer; on a tie, ignore does
    ('select = ["BAL004"]\nignore = ["BAL"]\n', [], {"BAL004"}),
    ('select = ["BAL"]\nignore = ["BAL"]\n', [], set()),
    # --ignore and --extend-ignore add to the file's ignore
    ('ignore = ["ELA"]\n', ["--ignore", "BAL004"], set()),
    ('ignore = ["ELA"]\n', ["--extend-ignore", "BAL004"], set()),
    # --extend-select adds to the file's selection (a later layer: it overrides the file's ignore too)
    ('select = ["BAL"]\n', ["--extend-select", "ELA"], {"BAL004", "ELA002"}),
    ('ignore = ["ELA"]\n', ["--extend-select", "ELA002"], {"BAL004", "ELA002"}),
    # --select replaces the file's whole selection, its ignore and extend-* included
    ('ignore = ["ELA"]\nextend-ignore = ["BAL"]\n', ["--select", "ELA"], {"ELA002"}),
    ('extend-select = ["BAL"]\n', ["--select", "ELA"], {"ELA002"}),
    # within the command line's layer, the more specific selector wins
    ("", ["--ignore", "BAL", "--select", "BAL004"], {"BAL004"}),
    ("", ["--select", "ALL", "--ignore", "ELA002"], {"BAL004"}),
    ("", ["--ignore", "ALL", "--extend-select", "ELA"], {"ELA002"}),
])
def test_ruff_precedence(project: Path, capsys: pytest.CaptureFixture[str], toml: str, args: list[str],
                         expected: set[str]) -> None:
    (project / "sphere.toml").write_text(toml)
    assert codes([*args, "m.sphere"], capsys)[1] == expected


def test_unknown_codes_in_extend_options_are_usage_errors(project: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    (project / "sphere.toml").write_text('extend-ignore = ["BAL0004"]\n')
    with pytest.raises(SystemExit) as info:
        main(["check", "m.sphere"])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert "unknown code or prefix 'BAL0004' in 'extend-ignore' of" in err and "did you mean 'BAL004'?" in err
    (project / "sphere.toml").write_text("")
    with pytest.raises(SystemExit) as info:
        main(["check", "--extend-select", "ELA9", "m.sphere"])
    assert info.value.code == 2 and "'ELA9' in --extend-select" in capsys.readouterr().err


CODES = ["BAL001", "BAL004", "ELA002", "NEST003", "org_rule"]
SELECTORS = st.lists(st.sampled_from(["ALL", "BAL", "BAL0", "BAL004", "ELA", "NEST", "org", "ORG_RULE"]),
                     max_size=3).map(tuple)
LAYERS = st.builds(Selection, st.one_of(st.none(), SELECTORS.filter(bool)), SELECTORS, SELECTORS)


@given(file=LAYERS, cli=LAYERS, code=st.sampled_from(CODES))
def test_a_command_line_select_sets_aside_everything_before_it(file: Selection, cli: Selection, code: str) -> None:
    config = Config(select=file.select or (), extend_select=file.extend_select, ignore=file.ignore,
                    command_line=cli)
    if cli.select is not None:
        assert config.wants(code) == cli.decide(code, enabled=False)
    elif not any(sel == "ALL" or code.casefold().startswith(sel.casefold())
                 for sel in (*cli.extend_select, *cli.ignore)):
        # a command line that says nothing of the code leaves the file's decision
        assert config.wants(code) == Config(select=file.select or (), extend_select=file.extend_select,
                                            ignore=file.ignore).wants(code)
