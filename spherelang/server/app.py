"""The language server: pygls wiring of the features in this package.

Every request handler is guarded: whatever goes wrong (a model that does not
parse, a stale tree, a bug) is logged and answered with an empty result,
never an error the editor would show for each keystroke.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ..model import Model
from ..version import __version__
from . import actions, completion, navigation
from .analysis import Analysis
from .documents import Snapshot, TextSource, path_of, use_protocol_lines
from .formatting import Refused, format_document
from .hover import hover_text
from .locate import Found
from .positions import UTF16, Lines
from .scan import cursor
from .scheduler import Checker

log = logging.getLogger("spherelang.server")
T = TypeVar("T")
WATCHED = ("**/*.sphere", "**/sphere.toml", "**/pyproject.toml")


class SphereServer(LanguageServer):
    """The server and what it knows: the checker, and the codes users can meet."""

    def __init__(self) -> None:
        super().__init__("sphere", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.checker = Checker(self.snapshot, self.send_diagnostics, self.tell)
        self._codes: dict[str, tuple[str, str]] | None = None
        self._lines: tuple[tuple[str, int | None, str], Lines] | None = None

    # ------------------------------------------------------------ state

    @property
    def encoding(self) -> str:
        try:
            return str(self.workspace.position_encoding or UTF16)
        except RuntimeError:  # before initialize
            return UTF16

    def snapshot(self) -> Snapshot:
        """The open ``.sphere`` documents now."""
        return Snapshot.of(self.workspace, self.encoding)

    def lines(self, uri: str) -> Lines:
        """The document's lines now (kept while its version does not change: a large file costs to split)."""
        doc = self.workspace.get_text_document(uri)
        key = (uri, doc.version, self.encoding)
        if self._lines is None or self._lines[0] != key:
            self._lines = (key, Lines(doc.source, self.encoding))
        return self._lines[1]

    def analysis(self, uri: str) -> Analysis | None:
        """The last check of the document that has a tree and a model."""
        return self.checker.usable.get(path_of(uri))

    def found(self, uri: str, position: types.Position) -> tuple[Analysis, Model, Found] | None:
        """What is under the cursor, in the last check of the document that parsed."""
        analysis = self.analysis(uri)
        if analysis is None or analysis.index is None or analysis.model is None:
            return None
        line, column = self.lines(uri).column(position)
        found = analysis.index.locate(line, column, analysis.lines)
        return (analysis, analysis.model, found) if found is not None else None

    def codes(self, analysis: Analysis | None) -> dict[str, tuple[str, str]]:
        """Code -> (severity, summary): built-in, installed Python rules, the model's own rules."""
        if self._codes is None:
            from ..catalog import all_codes

            self._codes = {c: (i.severity.label, i.summary) for c, i in all_codes().items()}
        codes = dict(self._codes)
        if analysis is not None and analysis.model is not None:
            for rule in analysis.model.rules:
                codes.setdefault(rule.code, ((rule.severity.label if rule.severity else "error"), rule.summary))
        return codes

    # ------------------------------------------------------------ talking to the client

    def send_diagnostics(self, path: str, found: list[types.Diagnostic], version: int | None) -> None:
        uri = self.snapshot().uri(path)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, found, version))

    def tell(self, entry: str, message: str) -> None:
        text = f"sphere: {os.path.basename(entry)}: {message}"
        log.warning("%s", text)
        self.window_log_message(types.LogMessageParams(types.MessageType.Error, text))
        self.window_show_message(types.ShowMessageParams(types.MessageType.Error, text))

    def hover_format(self) -> types.MarkupKind:
        caps = self.client_capabilities.text_document
        formats = (caps.hover.content_format if caps is not None and caps.hover is not None else None) or []
        plain = formats and types.MarkupKind.Markdown not in formats
        return types.MarkupKind.PlainText if plain else types.MarkupKind.Markdown

    def supports(self, *path: str) -> bool:
        """Whether the client declared the capability at ``path`` (attribute names)."""
        found: Any = self.client_capabilities
        for name in path:
            found = getattr(found, name, None)
            if found is None:
                return False
        return bool(found)


def guarded(handler: Callable[[Any], T]) -> Callable[[Any], T | None]:
    """A request handler that logs what it raises and answers ``None`` (an empty result) instead."""

    @functools.wraps(handler)
    def run(params: Any) -> T | None:
        try:
            return handler(params)
        except Exception:  # noqa: BLE001 - a broken model or a bug must not break the editor
            log.exception("%s failed", handler.__name__)
            return None

    return run


def build() -> SphereServer:
    server = SphereServer()
    _documents(server)
    _reading(server)
    _editing(server)
    return server


def _documents(server: SphereServer) -> None:
    checker = server.checker

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        use_protocol_lines(server.workspace)

    @server.feature(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        if server.supports("workspace", "did_change_watched_files", "dynamic_registration"):
            watchers = [types.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
            server.client_register_capability(types.RegistrationParams([types.Registration(
                "sphere-watched-files", types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                types.DidChangeWatchedFilesRegistrationOptions(watchers))]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        checker.opened(path_of(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        checker.changed(path_of(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        checker.closed(path_of(params.text_document.uri))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(params: types.DidChangeWatchedFilesParams) -> None:
        # a configuration file, or a file an import or a glob may now find: check every open document again
        checker.schedule_all(list(server.snapshot().documents))

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        checker.shutdown()


def _reading(server: SphereServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded
    def hover(params: types.HoverParams) -> types.Hover | None:
        at = server.found(params.text_document.uri, params.position)
        if at is None:
            return None
        analysis, model, found = at
        shown = hover_text(found, model, analysis.binding, server.codes(analysis), analysis.entry)
        if shown is None:
            return None
        return types.Hover(types.MarkupContent(server.hover_format(), shown))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded
    def definition(params: types.DefinitionParams) -> list[types.Location] | None:
        at = server.found(params.text_document.uri, params.position)
        if at is None:
            return None
        analysis, model, found = at
        return navigation.definition(found, model, analysis.entry, TextSource(server.snapshot())) or None

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded
    def symbols(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
        analysis = server.analysis(params.text_document.uri)
        if analysis is None or analysis.index is None:
            return None
        return navigation.document_symbols(analysis.index, analysis.lines)

    @server.feature(types.WORKSPACE_SYMBOL)
    @guarded
    def workspace_symbols(params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation] | None:
        models = [a.model for a in server.checker.usable.values() if a.model is not None]
        return navigation.workspace_symbols(models, params.query, TextSource(server.snapshot()))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=[".", "[", ",", ":"]))
    @guarded
    def complete(params: types.CompletionParams) -> types.CompletionList | None:
        uri = params.text_document.uri
        lines = server.lines(uri)
        offset = lines.offset(params.position)
        analysis = server.analysis(uri)
        names = completion.Names(analysis.model if analysis is not None else None,
                                 {c: s for c, (_, s) in server.codes(analysis).items()}, lines.text)
        items, typed, incomplete = completion.complete(cursor(lines.text, offset), names)
        replace = types.Range(lines.position_at(offset - len(typed)), params.position)
        return types.CompletionList(is_incomplete=incomplete, items=[
            types.CompletionItem(label=i.label, kind=i.kind, detail=i.detail, text_edit=types.TextEdit(replace, i.label))
            for i in items])


def _editing(server: SphereServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded
    def formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        uri = params.text_document.uri
        lines = server.lines(uri)
        result = format_document(lines.text, path_of(uri), lines)
        if isinstance(result, Refused):
            server.window_log_message(types.LogMessageParams(types.MessageType.Warning, f"sphere: {result.message}"))
            server.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"sphere: {result.message}"))
            return None
        return result

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    @guarded
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        doc = server.workspace.get_text_document(uri)
        analysis = server.checker.latest.get(path_of(uri))
        if analysis is None or analysis.version != doc.version:
            return None  # the edits would be computed on text the editor no longer holds
        return _actions(server, params, analysis, doc.version)


def _actions(server: SphereServer, params: types.CodeActionParams, analysis: Analysis,
             version: int | None) -> list[types.CodeAction]:
    uri = params.text_document.uri
    asked = {(d.code, d.range.start.line, d.range.start.character) for d in params.context.diagnostics}
    fixer = actions.Fixer(analysis.entry, analysis.lines, analysis.index, analysis.model)
    out = []
    for d, lsp in analysis.pairs.get(analysis.entry, []):
        if not _overlaps(lsp.range, params.range):
            continue
        if asked and (lsp.code, lsp.range.start.line, lsp.range.start.character) not in asked:
            continue
        for fix in fixer.fixes(d):
            out.append(types.CodeAction(title=fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=[lsp],
                                        is_preferred=fix.preferred or None,
                                        edit=_workspace_edit(server, uri, version, list(fix.edits))))
    return out


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and \
        (b.start.line, b.start.character) <= (a.end.line, a.end.character)


def _workspace_edit(server: SphereServer, uri: str, version: int | None,
                    edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    if server.supports("workspace", "workspace_edit", "document_changes"):
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(document, edits)])
    return types.WorkspaceEdit(changes={uri: edits})
