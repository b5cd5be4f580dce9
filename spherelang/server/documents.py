"""The open documents as the checker sees them: paths, texts and versions.

A document's path is its file URI's path; a document without one (an
unsaved ``untitled:`` buffer) gets the path its URI names, made absolute,
so that it can still be the entry of a model (its imports are relative to
the working directory). Every other file is read from the disk.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from pygls.uris import from_fs_path, to_fs_path, urlparse
from pygls.workspace import TextDocument, Workspace

from .positions import UTF16, Lines

LANGUAGE = "sphere"
# after LF, and after a CR that no LF follows: the protocol's line ends, and the parser's
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")  # where str.splitlines also splits


class Document(TextDocument):
    """pygls's document with the protocol's lines: ``str.splitlines`` also ends
    a line at a form feed, U+0085 or U+2028, so an edit the editor sends for a
    line after one of those would land on the wrong line."""

    @property
    def lines(self) -> Sequence[str]:
        source = self.source
        if not _OTHER_BREAKS.search(source):  # the usual text: splitlines is many times faster
            return tuple(source.splitlines(True))
        found = _LINE_END.split(source)
        return tuple(found[:-1] if found and not found[-1] else found)


def use_protocol_lines(workspace: Workspace) -> None:
    """Make the workspace hold :class:`Document` for the documents opened from now on."""

    def create(uri: str, source: str | None = None, version: int | None = None,
               language_id: str | None = None) -> TextDocument:
        options: dict[str, Any] = {"sync_kind": workspace._sync_kind, "position_codec": workspace._position_codec}
        return Document(uri, source=source, version=version, language_id=language_id, **options)

    # pygls has no hook for its document class: replace its private factory method
    workspace._create_text_document = create  # type: ignore[method-assign, assignment]


def path_of(uri: str) -> str:
    """The absolute path a document's URI names."""
    path = to_fs_path(uri)
    if path is None:
        path = urlparse(uri)[2] or uri
    return os.path.abspath(path)


@attrs.frozen
class Snapshot:
    """The open documents at one moment: path -> (URI, text, version)."""

    documents: Mapping[str, tuple[str, str, int | None]] = attrs.field(factory=dict)
    encoding: str = UTF16

    @classmethod
    def of(cls, workspace: Workspace, encoding: str) -> Snapshot:
        """The workspace's ``.sphere`` documents (by name or by language)."""
        documents = {}
        for doc in list(workspace.text_documents.values()):
            path = path_of(doc.uri)  # the URI as the client wrote it (the workspace's keys are unquoted)
            if path.endswith(".sphere") or doc.language_id == LANGUAGE:
                documents[path] = (doc.uri, doc.source, doc.version)
        return cls(documents, encoding)

    def texts(self) -> dict[str, str]:
        return {path: text for path, (_, text, _) in self.documents.items()}

    def version(self, path: str) -> int | None:
        found = self.documents.get(path)
        return None if found is None else found[2]

    def uri(self, path: str) -> str:
        """The URI the client knows a file by: its own for an open document."""
        found = self.documents.get(path)
        if found is not None:
            return found[0]
        return from_fs_path(path) or f"file://{path}"


class TextSource:
    """The lines of any file of a model, from the editor when it is open, else
    from the disk (read once per source); ``None`` for a file that cannot be read."""

    def __init__(self, snapshot: Snapshot, known: Mapping[str, str] | None = None) -> None:
        self.snapshot = snapshot
        self.known = dict(known or {})
        self.cache: dict[str, Lines | None] = {}

    def lines(self, path: str) -> Lines | None:
        if path not in self.cache:
            self.cache[path] = self._read(path)
        return self.cache[path]

    def _read(self, path: str) -> Lines | None:
        text = self.known.get(path)
        if text is None:
            found = self.snapshot.documents.get(path)
            text = found[1] if found is not None else _disk(path)
        return None if text is None else Lines(text, self.snapshot.encoding)


def _disk(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return None
