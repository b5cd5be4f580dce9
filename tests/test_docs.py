"""The documentation in docs/: the code pages are what the code table
generates, the examples check, the walk-through shows what the tool prints,
and every link leads somewhere."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from spherelang.checks import CODES, help_uri
from spherelang.cli import main
from spherelang.report import codepages

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)


def test_the_code_pages_are_generated_from_the_code_table() -> None:
    """Change a check's docstring, summary or severity, then run
    ``python -m spherelang.report.codepages docs/codes`` and commit the pages."""
    committed = {p.name: p.read_text(encoding="utf-8") for p in (DOCS / "codes").glob("*.md")}
    generated = codepages.pages()
    assert sorted(committed) == sorted(generated), "pages missing or left over in docs/codes"
    stale = [name for name, text in generated.items() if committed[name] != text]
    assert not stale, f"regenerate docs/codes: {stale} differ from the code table"


def test_every_code_page_says_what_the_table_says() -> None:
    pages = codepages.pages()
    for code, info in CODES.items():
        text = pages[f"{code}.md"]
        assert text.startswith(f"# {code}: {info.name}\n")
        assert f"| {info.severity.label} | {info.family} |" in text and info.summary in text
        assert info.doc.split("\n")[0] in text
        assert f"[{code}]({code}.md)" in pages["README.md"]
        uri = help_uri(code)
        assert uri is not None and uri.endswith(f"/docs/codes/{code}.md")


def test_generating_writes_only_what_changed(tmp_path: Path) -> None:
    assert sorted(codepages.write(str(tmp_path))) == sorted(codepages.pages())
    assert codepages.write(str(tmp_path)) == []
    (tmp_path / "BAL001.md").write_text("edited by hand")
    assert codepages.write(str(tmp_path)) == ["BAL001.md"]


def test_an_indented_example_becomes_a_fenced_block() -> None:
    page = codepages.page(CODES["NEST003"])
    assert "## Example\n\n```text\nresource revenue = 100 USD" in page
    assert "\n```\n\n## How to fix\n" in page


# ------------------------------------------------------------------ examples and the walk-through


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main(args)
    return capsys.readouterr().out


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sphere.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def _sphere_blocks(name: str) -> list[str]:
    return [body for lang, body in BLOCK.findall((DOCS / name).read_text(encoding="utf-8")) if lang == "sphere"]


@pytest.mark.parametrize("index", range(len(_sphere_blocks("language.md"))))
def test_the_reference_examples_check_without_errors_or_warnings(index: int, project: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (project / "example.sphere").write_text(_sphere_blocks("language.md")[index])
    with pytest.raises(SystemExit) as info:
        main(["check", "--no-cache", "--fail-on", "warning", "--format", "concise", "example.sphere"])
    assert info.value.code == 0, capsys.readouterr().out


def test_the_first_model_walk_through_shows_what_sphere_prints(project: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    text = (DOCS / "first-model.md").read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    model, correction = [body for lang, body in blocks if lang == "sphere"]
    (project / "ministry.sphere").write_text(model)
    fixed_line = int(re.search(r"Correct line (\d+)", text).group(1))  # type: ignore[union-attr]
    commands = [body for lang, body in blocks if lang == "text" and body.startswith("$ ")]
    assert len(commands) == 3
    for step, body in enumerate(commands):
        if step == 1:  # the correction comes before the second check
            lines = model.split("\n")
            lines[fixed_line - 1] = correction.rstrip("\n")
            (project / "ministry.sphere").write_text("\n".join(lines))
        command, expected = body.split("\n", 1)
        args = shlex.split(command[2:])
        assert args[0] == "sphere"
        out = run([*args[1:], "--no-cache"] if args[1] == "check" else args[1:], capsys)
        if args[1] == "eval":  # the walk-through shows the table, not the legend under it
            assert out.startswith(expected), out
        else:
            assert out == expected, out


# ------------------------------------------------------------------ links


LINK = re.compile(r"\]\(([^)\s]+)\)")


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = BLOCK.sub("", path.read_text(encoding="utf-8"))
    return {_slug(m) for m in re.findall(r"^#+ (.*)$", text, re.M)}


@pytest.mark.parametrize("document", ["README.md", *sorted(str(p.relative_to(ROOT)) for p in DOCS.rglob("*.md"))])
def test_every_relative_link_leads_to_a_file_and_heading(document: str) -> None:
    path = ROOT / document
    for target in LINK.findall(BLOCK.sub("", path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        goal = (path.parent / file).resolve() if file else path
        assert goal.exists(), f"{document}: link to {target} leads nowhere"
        if anchor and goal.suffix == ".md":
            assert anchor in _anchors(goal), f"{document}: no heading '#{anchor}' in {file or document}"


def test_the_readme_points_at_the_documentation() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in ("docs/language.md", "docs/first-model.md", "docs/codes/README.md"):
        assert f"]({target})" in readme
    assert "LANGUAGE.md` in the project's shared documents" not in readme
