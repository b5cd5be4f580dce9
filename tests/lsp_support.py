"""A real client for the language server tests: pytest-lsp's, started on
``python -m spherelang server`` over stdio, recording every
``publishDiagnostics`` so a test can wait for the one of a given version.

Waiting has no timeout (the fast suite reads no clock): a server that dies
fails the pending request, and every publish the tests wait for is one the
server always sends (the entry's diagnostics after each check, with the
document's version).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "spherelang", "server", "--stdio"]


def _record(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)  # type: ignore[attr-defined]
    for waiter in client.waiters:  # type: ignore[attr-defined]
        waiter.set()


def _register(client: LanguageClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)  # type: ignore[attr-defined]


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record,
                                   types.CLIENT_REGISTER_CAPABILITY: _register})
    client.registrations = []  # type: ignore[attr-defined]
    client.published = []  # type: ignore[attr-defined]
    client.waiters = []  # type: ignore[attr-defined]
    return client


CONFIG = ClientServerConfig(server_command=SERVER, client_factory=make_client)


async def start(client: LanguageClient, root: Path, editor: str = "visual-studio-code") -> types.InitializeResult:
    return await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(editor), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(root.as_uri(), root.name)]))


async def published(client: LanguageClient, uri: str, version: int | None = None,
                    since: int = 0) -> list[types.Diagnostic]:
    """The diagnostics the server publishes for ``uri`` at ``version`` (any
    version: the last publish for it), among the publishes from the
    ``since``-th on, waiting for one if need be."""
    while True:
        for params in reversed(client.published[since:]):  # type: ignore[attr-defined]
            if params.uri == uri and (version is None or params.version == version):
                return list(params.diagnostics)
        event = asyncio.Event()
        client.waiters.append(event)  # type: ignore[attr-defined]
        try:
            await event.wait()
        finally:
            client.waiters.remove(event)  # type: ignore[attr-defined]


class Editor:
    """Opens and edits documents (without saving) the way an editor does."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        self.marks: dict[str, int] = {}  # the publishes before the document was opened (of an earlier opening)

    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.as_uri()
        text = path.read_text(encoding="utf-8") if text is None else text
        self.versions[uri] = 1
        self.texts[uri] = text
        self.marks[uri] = len(self.client.published)  # type: ignore[attr-defined]
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="sphere", version=1, text=text)))
        return uri

    def replace(self, uri: str, text: str) -> int:
        """The whole text changed (one full change): the new version."""
        self.versions[uri] += 1
        self.texts[uri] = text
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.versions[uri]

    def edit(self, uri: str, edits: Sequence[types.TextEdit]) -> int:
        """Apply ``edits`` as the editor would (incremental changes, last first)."""
        text = apply_edits(self.texts[uri], edits)
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            self.versions[uri] += 1
            self.client.text_document_did_change(types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                [types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)]))
        self.texts[uri] = text
        return self.versions[uri]

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))

    async def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        """The diagnostics of the document's current version."""
        return await published(self.client, uri, self.versions[uri], self.marks[uri])


@pytest.fixture(name="editor")
def editor_fixture(client: LanguageClient) -> Iterator[Editor]:
    """An editor on the module's ``client`` whose documents are closed after
    the test, whatever happens in it (import it into the test module)."""
    opened = Editor(client)
    yield opened
    for uri in list(opened.versions):
        opened.close(uri)


def _offset(text: str, position: types.Position) -> int:
    """UTF-16 positions (what the tests negotiate) to an index into ``text``."""
    lines = text.split("\n")
    before = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= position.character:
            return before + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return before + len(line)


def apply_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: _offset(text, e.range.start)] + e.new_text + text[_offset(text, e.range.end):]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    edit = action.edit
    assert edit is not None
    if edit.document_changes:
        return [e for change in edit.document_changes if change.text_document.uri == uri  # type: ignore[union-attr]
                for e in change.edits]  # type: ignore[union-attr]
    return list((edit.changes or {}).get(uri, []))


def sphere_cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spherelang", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd)


def check_json(path: Path) -> list[dict[str, Any]]:
    """What ``sphere check --format json`` reports for the model whose entry is ``path``."""
    result = sphere_cli("check", "--format", "json", "--no-cache", str(path))
    return json.loads(result.stdout)["violations"]  # type: ignore[no-any-return]


def at(text: str, needle: str, offset: int = 0, nth: int = 0) -> types.Position:
    """The position (UTF-16) of the ``nth`` ``needle`` in ``text``, plus ``offset`` characters."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return types.Position(line, len(text[start:index].encode("utf-16-le")) // 2)
