"""The position encoding the client and the server agree on: a client that
prefers UTF-8 (Neovim) gets columns in bytes, in diagnostics, hover and
definition. One server for the module."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from .lsp_support import CONFIG, Editor, editor_fixture, start  # noqa: F401  (editor_fixture: the `editor` fixture)

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = ('sphere Ä : political "😀" {\n  channel ç strength 0.5\n'
        '  power 𝔹 "😀😀" // sphere: ignore[BAL004]\n  responsibility r requires 𝔹\n}\n')


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("utf8")
    (root / "sphere.toml").write_text("")
    lsp_client.root = root  # type: ignore[attr-defined]
    result = await start(lsp_client, root, editor="neovim@v0.11.0")
    lsp_client.encoding = result.capabilities.position_encoding  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def _utf8(line: str, before: str) -> int:
    return len(line[: line.index(before)].encode("utf-8"))


async def test_a_client_that_prefers_utf8_gets_byte_columns(client: LanguageClient, editor: Editor) -> None:
    assert client.encoding == types.PositionEncodingKind.Utf8  # type: ignore[attr-defined]
    uri = editor.open(client.root / "u.sphere", TEXT)  # type: ignore[attr-defined]
    found = {d.code: d.range for d in await editor.diagnostics(uri)}
    line = TEXT.split("\n")[2]
    assert found["SUP001"].start == types.Position(2, _utf8(line, "//"))
    assert found["SUP001"].end == types.Position(2, len(line.encode("utf-8")))
    document = types.TextDocumentIdentifier(uri)
    use = TEXT.split("\n")[3]
    result = await client.text_document_definition_async(types.DefinitionParams(
        document, types.Position(3, _utf8(use, "𝔹") + 2)))  # inside the character: it still counts
    assert isinstance(result, list) and [loc.range.start for loc in result] == [types.Position(2, 2)]
    hover = await client.text_document_hover_async(types.HoverParams(document, types.Position(0, _utf8(TEXT, "Ä"))))
    assert hover is not None and "**sphere `Ä`**" in hover.contents.value  # type: ignore[union-attr]

