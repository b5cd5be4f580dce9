"""The language server's code actions (applied, each makes its diagnostic go
away) and completion at a few cursor positions, through a real client over
stdio. One server for the module."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_asyncio
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from .lsp_support import CONFIG, Editor, at, edits_of, editor_fixture, start  # noqa: F401  (editor_fixture: the `editor` fixture)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("edits")
    (root / "sphere.toml").write_text("")
    lsp_client.root = root  # type: ignore[attr-defined]
    await start(lsp_client, root)
    yield
    await lsp_client.shutdown_session()


def _path(client: LanguageClient, name: str) -> Path:
    return client.root / name  # type: ignore[attr-defined, no-any-return]


async def _actions(client: LanguageClient, uri: str, d: types.Diagnostic) -> dict[str, types.CodeAction]:
    result = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), d.range, types.CodeActionContext(diagnostics=[d])))
    return {a.title: a for a in result or [] if isinstance(a, types.CodeAction)}


async def _fix(client: LanguageClient, editor: Editor, name: str, text: str, code: str,
               title: str) -> tuple[str, list[types.Diagnostic]]:
    """Open ``text``, apply the action ``title`` offered for its (only) ``code``
    diagnostic: the text after it and the diagnostics then."""
    uri = editor.open(_path(client, name), text)
    (d,) = [d for d in await editor.diagnostics(uri) if d.code == code]
    actions = await _actions(client, uri, d)
    assert title in actions, sorted(actions)
    assert list(actions[title].diagnostics or []) == [d] and actions[title].kind == types.CodeActionKind.QuickFix
    editor.edit(uri, edits_of(actions[title], uri))
    return editor.texts[uri], await editor.diagnostics(uri)


WEAK = "sphere A : political {\n  channel c strength 0.1\n  power p\n  responsibility r requires p\n}\n"


async def test_suppress_a_code_on_its_line(client: LanguageClient, editor: Editor) -> None:
    text, after = await _fix(client, editor, "line.sphere", WEAK, "ELA002", "Suppress ELA002 on this line")
    assert text.startswith("sphere A : political {  // sphere: ignore[ELA002]\n")
    assert [d.code for d in after] == ["BAL003"]


async def test_suppress_joins_an_existing_comment(client: LanguageClient, editor: Editor) -> None:
    source = WEAK.replace("political {", "political {  // sphere: ignore[BAL003]  // why")
    text, after = await _fix(client, editor, "joined.sphere", source, "ELA002", "Suppress ELA002 on this line")
    assert "{  // sphere: ignore[BAL003, ELA002]  // why\n" in text
    # BAL003 is reported at the responsibility's line, not the sphere's: its suppression stays unused
    assert [d.code for d in after] == ["SUP001", "BAL003"]


async def test_allow_a_code_in_its_sphere(client: LanguageClient, editor: Editor) -> None:
    text, after = await _fix(client, editor, "allow.sphere", WEAK, "ELA002", "Allow ELA002 in sphere 'A'")
    assert text.startswith('sphere A : political {\n  allow ELA002 "why this is acceptable"\n  channel')
    assert [d.code for d in after] == ["BAL003"]
    one_line = "sphere B : political { channel c strength 0.1 }\n"
    text, after = await _fix(client, editor, "allow1.sphere", one_line, "ELA002", "Allow ELA002 in sphere 'B'")
    assert text == 'sphere B : political { allow ELA002 "why this is acceptable"; channel c strength 0.1 }\n'
    assert after == []


async def test_remove_an_unused_suppression(client: LanguageClient, editor: Editor) -> None:
    source = WEAK.replace("requires p\n", "requires p  // sphere: ignore[BAL004]  // kept\n")
    text, after = await _fix(client, editor, "unused.sphere", source, "SUP001", "Remove the unused suppression")
    assert "requires p  // kept\n" in text
    source = WEAK.replace("  power p\n", "  power p\n  power q  // sphere: ignore[BAL001, BAL004]\n")
    text, after = await _fix(client, editor, "half.sphere", source, "SUP001", "Remove the unused suppression")
    assert "  power q  // sphere: ignore[BAL001]\n" in text and [d.code for d in after] == ["ELA002", "BAL003"]
    source = WEAK.replace("  power p\n", "  power p  // sphere: ignore[NEST002]\n")
    text, after = await _fix(client, editor, "whole.sphere", source, "SUP001", "Remove the unused suppression")
    assert text == WEAK and [d.code for d in after] == ["ELA002", "BAL003"]


async def test_apply_a_did_you_mean(client: LanguageClient, editor: Editor) -> None:
    source = ("sphere Nation : politcal {\n  channel c strength 0.5\n  power tax\n  resource revenue = 5 USD\n"
              "  responsibility r requires tax, revenu\n}\n")
    text, after = await _fix(client, editor, "mean1.sphere", source, "REF003", "Replace with 'political'")
    assert text.startswith("sphere Nation : political {")
    assert "REF003" not in {d.code for d in after}
    text, after = await _fix(client, editor, "mean2.sphere", text, "REF001", "Replace with 'revenue'")
    assert "requires tax, revenue\n" in text and after == []
    nested = ("sphere Nation : political {\n  channel c strength 0.5\n  power tax\n"
              "  responsibility r requires tax\n  resource budget = 5 USD\n"
              "  sphere Gov : administrative {\n    resource budget = 1 USD from Natoin.budget\n"
              "    power tax\n    responsibility s requires tax, budget\n  }\n}\n")
    text, after = await _fix(client, editor, "mean3.sphere", nested, "REF001", "Replace with 'Nation'")
    assert "from Nation.budget" in text and "REF001" not in {d.code for d in after}
    text, after = await _fix(client, editor, "mean4.sphere", text.replace("Nation.budget", "Nation.budgte"),
                             "REF001", "Replace with 'budget'")
    assert "from Nation.budget" in text and "REF001" not in {d.code for d in after}


async def test_add_the_missing_requires(client: LanguageClient, editor: Editor) -> None:
    source = ("sphere A : political {\n  channel c strength 0.5\n  power p\n  power q\n  resource money = 5 USD\n"
              "  responsibility r requires p, money\n}\n")
    text, after = await _fix(client, editor, "req1.sphere", source, "BAL001", "Add power 'q' to the requires of 'r'")
    assert "requires p, money, q\n" in text and after == []
    unfunded = source.replace("requires p, money", "\"duty\" requires p, q shared")
    text, after = await _fix(client, editor, "req2.sphere", unfunded, "BAL003",
                             "Add resource 'money' to the requires of 'r'")
    assert 'responsibility r "duty" requires p, q, money shared\n' in text and after == []
    bare = source.replace("requires p, money", "shared").replace("  power q\n", "")
    uri = editor.open(_path(client, "req3.sphere"), bare)
    found = {d.code: d for d in await editor.diagnostics(uri)}
    assert {"BAL001", "BAL002", "BAL003"} <= set(found)
    actions = await _actions(client, uri, found["BAL003"])
    editor.edit(uri, edits_of(actions["Add resource 'money' to the requires of 'r'"], uri))
    assert "responsibility r requires money shared\n" in editor.texts[uri]
    assert "BAL003" not in {d.code for d in await editor.diagnostics(uri)}


async def test_no_requires_fix_where_it_is_ambiguous(client: LanguageClient, editor: Editor) -> None:
    source = ("sphere A : political {\n  channel c strength 0.5\n  power p\n  power q\n"
              "  responsibility r requires p\n  responsibility s requires p\n}\n")
    uri = editor.open(_path(client, "ambiguous.sphere"), source)
    (d,) = [d for d in await editor.diagnostics(uri) if d.code == "BAL001"]
    assert sorted(await _actions(client, uri, d)) == ["Allow BAL001 in sphere 'A'", "Suppress BAL001 on this line"]


async def test_no_actions_on_a_stale_version(client: LanguageClient, editor: Editor) -> None:
    uri = editor.open(_path(client, "stale.sphere"), WEAK)
    (d,) = [d for d in await editor.diagnostics(uri) if d.code == "ELA002"]
    editor.replace(uri, WEAK + "\n")
    assert await _actions(client, uri, d) == {}


# ---------------------------------------------------------------- completion

MODEL = """\
layers state > ministry > agency

sphere Nation : state {
  channel c strength 0.5
  power tax
  resource budget = 10 USD
  responsibility collect requires tax, budget
  sphere Finance : ministry {
    power tax
    resource budget = 5 USD from Nation.budget
    responsibility spend requires tax, budget
  }
}

rule ORG001 "x" {
  for s in spheres
  require s.title != null
}

scenario Reform {
  in Nation.Finance { capacity 0.5 }
}
"""


async def _complete(client: LanguageClient, editor: Editor, uri: str, text: str,
                    position: types.Position) -> list[str]:
    editor.replace(uri, text)
    result = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(uri), position))
    assert isinstance(result, types.CompletionList)
    return [i.label for i in result.items]


@pytest_asyncio.fixture(loop_scope="module")
async def model(client: LanguageClient, editor: Editor) -> str:
    uri = editor.open(_path(client, "complete.sphere"), MODEL)
    await editor.diagnostics(uri)
    return uri


async def test_keywords_where_the_cursor_is(client: LanguageClient, editor: Editor, model: str) -> None:
    top = MODEL + "\n"
    assert await _complete(client, editor, model, top, types.Position(top.count("\n"), 0)) == [
        "model", "import", "layers", "sphere", "rule", "scenario"]
    inside = MODEL.replace("  power tax\n  resource budget = 10", "  power tax\n  \n  resource budget = 10")
    labels = await _complete(client, editor, model, inside, at(inside, "  \n", 2))
    assert labels[:3] == ["power", "responsibility", "resource"] and "model" not in labels
    rule = MODEL.replace("  require s", "  \n  require s")
    assert await _complete(client, editor, model, rule, at(rule, "  \n  require", 2)) == [
        "for", "where", "require", "message"]
    after = MODEL.replace("  power tax\n  resource", "  power levy \n  resource")
    assert await _complete(client, editor, model, after, at(after, "levy ", 5)) == ["from"]


async def test_layers_paths_members_and_codes(client: LanguageClient, editor: Editor, model: str) -> None:
    layer = MODEL.replace("sphere Finance : ministry", "sphere Finance : ")
    assert await _complete(client, editor, model, layer, at(layer, "Finance : ", 10)) == ["state", "ministry", "agency"]
    requires = MODEL.replace("requires tax, budget\n  }", "requires tax, \n  }")
    assert await _complete(client, editor, model, requires, at(requires, "tax, \n  }", 5)) == ["tax", "budget"]
    source = MODEL.replace("from Nation.budget", "from Nation.")
    labels = await _complete(client, editor, model, source, at(source, "from Nation.", 12))
    assert labels[0] == "Nation.budget" and "Nation.Finance" in labels
    within = MODEL + "sphere Audit : ministry within Na\n"
    assert "Nation.Finance" in await _complete(client, editor, model, within, at(within, "within Na", 9))
    scenario = MODEL.replace("  in Nation.Finance", "  in ")
    assert await _complete(client, editor, model, scenario, at(scenario, "  in ", 5)) == ["Nation", "Nation.Finance"]
    allow = MODEL.replace("  power tax\n  resource budget = 10", "  allow \n  resource budget = 10")
    codes = await _complete(client, editor, model, allow, at(allow, "allow ", 6))
    assert {"BAL001", "ELA002", "ORG001"} <= set(codes)
    ignore = MODEL.replace("  power tax\n  resource budget = 10", "  power tax  // sphere: ignore[\n  resource budget = 10")
    assert "BAL001" in await _complete(client, editor, model, ignore, at(ignore, "ignore[", 7))
    collection = MODEL.replace("for s in spheres", "for s in ")
    assert "resources" in await _complete(client, editor, model, collection, at(collection, "for s in ", 9))
