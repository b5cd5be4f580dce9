"""``sphere server``: the language server (LANGUAGE.md §9) over stdio.

Diagnostics as ``sphere check`` reports them for the model whose entry is
the open document (its unsaved text and that of every other open document,
the rest from disk), hover, go to definition, document and workspace
symbols, formatting, code actions and completion. See the README's
"Language server" section.
"""

from __future__ import annotations

from typing import BinaryIO


def serve(stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
    """Run the server on standard input and output until the client ends it."""
    from .app import build

    build().start_io(stdin, stdout)


__all__ = ["serve"]
