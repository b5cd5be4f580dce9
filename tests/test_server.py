"""The language server end to end, through a real client over stdio:
diagnostics (as `sphere check` reports them, unsaved edits included),
hover, go to definition, symbols and formatting. One server for the module."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from spherelang.checks import help_uri

from .lsp_support import CONFIG, Editor, at, check_json, editor_fixture, published, sphere_cli, start  # noqa: F401  (editor_fixture: the `editor` fixture)

pytestmark = pytest.mark.asyncio(loop_scope="module")

COMMON = """\
layers political > administrative > operational > body

sphere Nation : political "The nation" {
  channel elections strength 0.6
  capacity 0.4
  power tax
  resource budget = 100 USD
  responsibility collection requires tax, budget 10 USD
  resource reserve = 5 USD
}
"""

MAIN = """\
import "common.sphere"

sphere Ministry : administrative "Ministry of finance" within Nation {
  capacity 0.8
  power tax from Nation.tax
  power seize
  resource budget = 50 USD from Nation.budget
  responsibility audit requires tax, budget 5 USD
  responsibility plan requires tax
  sphere Office : operational {
    capacity 0.9
    power tax
    resource budget = 10 USD
    responsibility serve requires tax, budget
  }
}

rule ORG001 "every sphere has a title" warning {
  for s in spheres
  require s.title != null
}
"""


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("lsp")
    (root / "sphere.toml").write_text("")
    (root / "common.sphere").write_text(COMMON)
    (root / "main.sphere").write_text(MAIN)
    lsp_client.root = root  # type: ignore[attr-defined]
    await start(lsp_client, root)
    yield
    await lsp_client.shutdown_session()


def _root(client: LanguageClient) -> Path:
    return client.root  # type: ignore[attr-defined, no-any-return]


def _where(d: types.Diagnostic) -> tuple[str, int, int, int, int]:
    r = d.range
    return (str(d.code), r.start.line + 1, r.start.character + 1, r.end.line + 1, r.end.character + 1)


def _json_where(v: dict[str, object]) -> tuple[str, int, int, int, int]:
    return (str(v["code"]), int(v["line"]), int(v["column"]), int(v["end_line"]), int(v["end_column"]))  # type: ignore[call-overload]


# ---------------------------------------------------------------- diagnostics


async def test_diagnostics_are_what_check_reports(client: LanguageClient, editor: Editor) -> None:
    root = _root(client)
    uri = editor.open(root / "main.sphere")
    found = await editor.diagnostics(uri)
    expected = check_json(root / "main.sphere")
    mine = sorted(_where(d) for d in found)
    assert mine == sorted(_json_where(v) for v in expected if v["file"].endswith("main.sphere"))  # type: ignore[union-attr]
    assert {c for c, *_ in mine} >= {"BAL001", "BAL003", "ORG001"}
    messages = {v["message"] for v in expected}
    assert all(d.message.split("\n")[0] in messages for d in found)
    # the imported file, not open, shows what this model reports about it
    common = await published(client, (root / "common.sphere").as_uri())
    assert sorted(_where(d) for d in common) == sorted(
        _json_where(v) for v in expected if v["file"].endswith("common.sphere"))  # type: ignore[union-attr]
    assert [d.code for d in common] == ["BAL004"]


async def test_every_diagnostic_carries_code_source_and_documentation(client: LanguageClient, editor: Editor) -> None:
    root = _root(client)
    uri = editor.open(root / "main.sphere")
    found = await editor.diagnostics(uri)
    severities = {d.code: d.severity for d in found}
    assert severities["BAL001"] == types.DiagnosticSeverity.Error
    assert severities["ORG001"] == types.DiagnosticSeverity.Warning
    for d in found:
        assert d.source == "sphere" and d.code and d.code_description is not None
        if d.code == "ORG001":  # the model's own rule: its declaration
            assert d.code_description.href == f"{uri}#L{at(MAIN, 'rule ORG001').line + 1}"
        else:
            assert d.code_description.href == help_uri(str(d.code))


async def test_an_unsaved_edit_changes_the_diagnostics(client: LanguageClient, editor: Editor) -> None:
    root = _root(client)
    uri = editor.open(root / "main.sphere")
    before = {d.code for d in await editor.diagnostics(uri)}
    assert "BAL001" in before
    fixed = MAIN.replace("  power seize\n", "")
    editor.replace(uri, fixed)
    after = {d.code for d in await editor.diagnostics(uri)}
    assert after == before - {"BAL001", "NEST002"}  # the power was also granted by no one
    assert (root / "main.sphere").read_text() == MAIN  # nothing was saved
    broken_text = fixed.replace("sphere Office", "sphere Office Office")
    editor.replace(uri, broken_text)
    broken = await editor.diagnostics(uri)
    assert [d.code for d in broken] == ["SPH001"]
    assert broken[0].range.start == at(broken_text, "Office Office", len("Office "))


async def test_an_open_import_is_read_from_the_editor(client: LanguageClient, editor: Editor) -> None:
    root = _root(client)
    common = editor.open(root / "common.sphere")
    assert [d.code for d in await editor.diagnostics(common)] == ["BAL004"]
    main = editor.open(root / "main.sphere")
    assert "REF001" not in {d.code for d in await editor.diagnostics(main)}
    # the budget is renamed in the unsaved import: the model of main.sphere reads it from the editor
    mark = len(client.published)  # type: ignore[attr-defined]
    editor.replace(common, COMMON.replace("budget", "funds"))
    again = await published(client, main, since=mark)
    assert [d.message.split("\n")[0] for d in again if d.code == "REF001"] == [
        "sphere 'Nation' has no resource 'budget'"]


async def test_the_latest_version_wins(client: LanguageClient, editor: Editor) -> None:
    root = _root(client)
    uri = editor.open(root / "main.sphere")
    await editor.diagnostics(uri)
    editor.replace(uri, MAIN.replace("power seize", "power seize;power grab"))
    last = editor.replace(uri, MAIN.replace("power seize", "power seize;power grab;power take"))
    found = await editor.diagnostics(uri)
    assert sum(d.code == "BAL001" for d in found) == 3
    versions = [p.version for p in client.published[editor.marks[uri]:]  # type: ignore[attr-defined]
                if p.uri == uri and p.version is not None]
    assert versions == sorted(versions) and versions[-1] == last


async def test_non_bmp_characters_count_two_utf16_units(client: LanguageClient, editor: Editor, tmp_path: Path) -> None:
    (tmp_path / "sphere.toml").write_text("")
    text = 'sphere 𝔸 : political "😀 title" {\n  power 𝔹 "😀😀" // sphere: ignore[BAL004]\n  channel c strength 0.5\n}\n'
    uri = editor.open(tmp_path / "u.sphere", text)
    found = {d.code: d.range for d in await editor.diagnostics(uri)}
    line = text.split("\n")[1]
    comment = line.index("//")
    assert found["SUP001"].start == types.Position(1, len(line[:comment].encode("utf-16-le")) // 2)
    assert found["SUP001"].end == types.Position(1, len(line.encode("utf-16-le")) // 2)
    assert found["BAL001"].start == types.Position(1, 2)
    assert found["BAL001"].end.character == len(line[:comment].rstrip().encode("utf-16-le")) // 2


# ---------------------------------------------------------------- hover


async def _hover(client: LanguageClient, uri: str, position: types.Position) -> str:
    result = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), position))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def test_hover_shows_a_spheres_figures_and_what_binds_it(client: LanguageClient, editor: Editor) -> None:
    root = _root(client)
    uri = editor.open(root / "main.sphere")
    await editor.diagnostics(uri)
    shown = await _hover(client, uri, at(MAIN, "Office", 1))
    assert "**sphere `Nation.Ministry.Office`** · layer `operational`" in shown
    assert "| capacity | 0.90 |" in shown and "| ceiling | 0.40 |" in shown and "| effective | 0.40 |" in shown
    assert "| headroom | -0.50 |" in shown and "| elasticity | - |" in shown
    assert "bound by `Nation` (capacity 0.40)" in shown
    assert "would unlock +0.80 of effective capacity" in shown  # Ministry 0.8 - 0.4, Office 0.8 - 0.4
    nation = await _hover(client, uri, at(MAIN, "within Nation", len("within N")))
    assert "**sphere `Nation`**" in nation and "*The nation*" in nation
    assert "sets the ceiling of 2 spheres; lifting its own limit would unlock +0.80" in nation


async def test_hover_shows_a_member_its_source_and_its_users(client: LanguageClient, editor: Editor) -> None:
    root = _root(client)
    uri = editor.open(root / "main.sphere")
    await editor.diagnostics(uri)
    budget = await _hover(client, uri, at(MAIN, "resource budget", len("resource b")))
    assert "**resource `budget`** in `Nation.Ministry`" in budget
    assert "amount `50 USD`" in budget and "drawn from `Nation.budget`" in budget
    assert "required by `audit (5 USD)`" in budget
    assert "drawn on by `Nation.Ministry.Office.budget (10 USD)`" in budget
    office_tax = await _hover(client, uri, at(MAIN, "power tax", len("power t"), nth=1))
    assert "granted from `Nation.Ministry.tax` (implicitly, by its name)" in office_tax
    assert "required by `serve`" in office_tax
    seize = await _hover(client, uri, at(MAIN, "power seize", len("power s")))
    assert "no responsibility of its sphere requires it" in seize


async def test_hover_on_a_code_shows_its_summary(client: LanguageClient, editor: Editor, tmp_path: Path) -> None:
    text = ('sphere A : political {\n  allow ELA002 "young"\n  channel c strength 0.1\n'
            '  power p  // sphere: ignore[BAL001, NEST002]\n}\n')
    uri = editor.open(tmp_path / "codes.sphere", text)
    await editor.diagnostics(uri)
    allow = await _hover(client, uri, at(text, "ELA002", 2))
    assert allow.startswith("**`ELA002`** (warning): ") and help_uri("ELA002") in allow
    ignored = await _hover(client, uri, at(text, "NEST002", 1))
    assert ignored.startswith("**`NEST002`** (error): ")


# ---------------------------------------------------------------- definition and symbols


async def _definition(client: LanguageClient, uri: str, position: types.Position) -> list[types.Location]:
    result = await client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(uri), position))
    assert isinstance(result, list)
    return result  # type: ignore[return-value]


async def test_definition_leads_across_files(client: LanguageClient, editor: Editor) -> None:
    root = _root(client)
    uri = editor.open(root / "main.sphere")
    await editor.diagnostics(uri)
    common = (root / "common.sphere").as_uri()
    (imported,) = await _definition(client, uri, at(MAIN, "common.sphere", 2))
    assert imported.uri == common and imported.range.start == types.Position(0, 0)
    (member,) = await _definition(client, uri, at(MAIN, "Nation.budget", len("Nation.b")))
    assert member.uri == common and member.range.start == at(COMMON, "resource budget")
    (sphere,) = await _definition(client, uri, at(MAIN, "Nation.tax", 1))
    assert sphere.uri == common and sphere.range.start == at(COMMON, "sphere Nation")
    (within,) = await _definition(client, uri, at(MAIN, "within Nation", len("within N")))
    assert within == sphere
    (required,) = await _definition(client, uri, at(MAIN, "tax, budget 5", 1))
    assert required.uri == uri and required.range.start == at(MAIN, "power tax from")
    (granted,) = await _definition(client, uri, at(MAIN, "power tax", len("power t"), nth=1))  # implicit grant
    assert granted.uri == uri and granted.range.start == at(MAIN, "power tax from")


async def test_definition_of_scenario_paths(client: LanguageClient, editor: Editor, tmp_path: Path) -> None:
    text = ('sphere A : political {\n  channel c strength 0.5\n  sphere B : administrative { capacity 0.5 }\n}\n'
            'scenario S {\n  in A.B { capacity 0.7 }\n  remove A.B\n}\n')
    uri = editor.open(tmp_path / "s.sphere", text)
    await editor.diagnostics(uri)
    (inside,) = await _definition(client, uri, at(text, "A.B {", 2))
    assert inside.range.start == at(text, "sphere B")
    (removed,) = await _definition(client, uri, at(text, "remove A.B", len("remove ")))
    assert removed.range.start == at(text, "sphere A")


async def test_document_symbols_are_the_sphere_tree(client: LanguageClient, editor: Editor) -> None:
    root = _root(client)
    uri = editor.open(root / "main.sphere")
    await editor.diagnostics(uri)
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri)))
    assert result is not None
    names = [s.name for s in result]  # type: ignore[union-attr]
    assert names == ["Ministry", "ORG001"]
    ministry = result[0]
    assert isinstance(ministry, types.DocumentSymbol) and ministry.children is not None
    assert [c.name for c in ministry.children] == ["capacity", "tax", "seize", "budget", "audit", "plan", "Office"]
    office = ministry.children[-1]
    assert office.kind == types.SymbolKind.Namespace and office.detail == "operational"
    assert [c.name for c in office.children or []] == ["capacity", "tax", "budget", "serve"]
    assert office.range.end == at(MAIN, "}\n}", 1)  # the block, closing brace included


async def test_workspace_symbols_are_spheres_by_path(client: LanguageClient, editor: Editor) -> None:
    root = _root(client)
    uri = editor.open(root / "main.sphere")
    await editor.diagnostics(uri)
    result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="office"))
    assert result is not None
    assert [(s.name, s.location.uri) for s in result] == [("Nation.Ministry.Office", uri)]  # type: ignore[union-attr]


# ---------------------------------------------------------------- formatting


async def test_formatting_gives_what_sphere_fmt_writes(client: LanguageClient, editor: Editor, tmp_path: Path) -> None:
    ugly = 'sphere   A:political{channel c strength 0.5;power p   // note\nresponsibility r requires p}\n'
    uri = editor.open(tmp_path / "ugly.sphere", ugly)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        types.TextDocumentIdentifier(uri), types.FormattingOptions(tab_size=8, insert_spaces=False)))
    assert edits
    editor.edit(uri, edits)
    expected = sphere_cli("fmt", "-", stdin=ugly).stdout
    assert editor.texts[uri] == expected and expected.startswith("sphere A : political {\n  channel")
    again = await client.text_document_formatting_async(types.DocumentFormattingParams(
        types.TextDocumentIdentifier(uri), types.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert again is not None and not again


async def test_formatting_refuses_a_document_that_does_not_parse(client: LanguageClient, editor: Editor, tmp_path: Path) -> None:
    uri = editor.open(tmp_path / "broken.sphere", "sphere A : political {\n")
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        types.TextDocumentIdentifier(uri), types.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert edits is None
    assert any("does not parse" in m.message for m in client.messages)


async def test_a_broken_document_gets_its_syntax_error_and_empty_answers(client: LanguageClient, editor: Editor,
                                                                         tmp_path: Path) -> None:
    text = "sphere A : political {\n  power p from\n"
    uri = editor.open(tmp_path / "broken2.sphere", text)
    found = await editor.diagnostics(uri)
    assert [d.code for d in found] == ["SPH001"]
    document = types.TextDocumentIdentifier(uri)
    position = types.Position(1, 4)
    assert await client.text_document_hover_async(types.HoverParams(document, position)) is None
    assert await client.text_document_definition_async(types.DefinitionParams(document, position)) is None
    assert await client.text_document_document_symbol_async(types.DocumentSymbolParams(document)) is None


# ---------------------------------------------------------------- configuration, related locations, closing

DUPLICATE = "sphere A : political {\n  channel c strength 0.1\n  power p\n  power p\n  responsibility r requires p\n}\n"


async def test_the_projects_configuration_applies(client: LanguageClient, editor: Editor, tmp_path: Path) -> None:
    (tmp_path / "sphere.toml").write_text('ignore = ["ELA"]\n[severity]\nREF002 = "info"\n')
    uri = editor.open(tmp_path / "conf.sphere", DUPLICATE)
    found = await editor.diagnostics(uri)
    assert [(d.code, d.severity) for d in found] == [
        ("REF002", types.DiagnosticSeverity.Information), ("BAL003", types.DiagnosticSeverity.Error)]
    (related,) = found[0].related_information or []
    assert related.location.uri == uri and related.location.range.start == at(DUPLICATE, "power p")
    # the configuration changes on disk: the editor says so, and the document is checked again
    (tmp_path / "sphere.toml").write_text("")
    mark = len(client.published)  # type: ignore[attr-defined]
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent((tmp_path / "sphere.toml").as_uri(), types.FileChangeType.Changed)]))
    again = await published(client, uri, since=mark)
    assert [(d.code, d.severity) for d in again] == [
        ("ELA002", types.DiagnosticSeverity.Warning), ("REF002", types.DiagnosticSeverity.Error),
        ("BAL003", types.DiagnosticSeverity.Error)]


async def test_a_bad_configuration_is_shown_not_checked(client: LanguageClient, editor: Editor,
                                                        tmp_path: Path) -> None:
    (tmp_path / "sphere.toml").write_text("colour = true\n")
    uri = editor.open(tmp_path / "badconf.sphere", DUPLICATE)
    assert await editor.diagnostics(uri) == []
    assert any("unknown key 'colour'" in m.message and m.type == types.MessageType.Error for m in client.messages)


async def test_closing_a_document_clears_its_diagnostics(client: LanguageClient, editor: Editor,
                                                         tmp_path: Path) -> None:
    uri = editor.open(tmp_path / "closing.sphere", DUPLICATE)
    assert await editor.diagnostics(uri)
    mark = len(client.published)  # type: ignore[attr-defined]
    editor.close(uri)
    assert await published(client, uri, since=mark) == []


async def test_an_import_that_exists_only_in_the_editor(client: LanguageClient, editor: Editor,
                                                        tmp_path: Path) -> None:
    main = editor.open(tmp_path / "main.sphere", 'import "new.sphere"\n' + DUPLICATE)
    assert "SPH002" in {d.code for d in await editor.diagnostics(main)}
    mark = len(client.published)  # type: ignore[attr-defined]
    editor.open(tmp_path / "new.sphere", "layers political > body\n")  # never saved
    again = await published(client, main, since=mark)
    assert "SPH002" not in {d.code for d in again} and "REF002" in {d.code for d in again}


async def test_edits_after_unusual_line_breaks_land_where_the_editor_put_them(
        client: LanguageClient, editor: Editor, tmp_path: Path) -> None:
    """Only CR, LF and CRLF end a line for the protocol: not U+2028, U+0085 or a form feed in a string."""
    text = 'sphere A : political "a\u2028b\x85c\x0cd" {\n  channel c strength 0.5\n  power p\n}\n'
    uri = editor.open(tmp_path / "breaks a.sphere", text)  # a space in the name: the URI is quoted
    assert [d.code for d in await editor.diagnostics(uri)] == ["BAL001"]
    line = at(text, "  power p").line
    editor.edit(uri, [types.TextEdit(types.Range(types.Position(line, 0), types.Position(line, 0)),
                                     "  responsibility r requires p\n")])
    assert [d.code for d in await editor.diagnostics(uri)] == ["BAL003"]
