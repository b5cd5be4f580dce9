"""How file paths appear in output: relative to the working directory when the
file is inside it (with '/' separators), otherwise as they are; and the order
that follows from it."""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..diagnostics import Diagnostic


def display_path(path: str) -> str:
    if not os.path.isabs(path):
        return path.replace(os.sep, "/")
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    if rel == ".." or rel.startswith(".." + os.sep):
        return path
    return rel.replace(os.sep, "/")


def in_display_order(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in the order of the contract as printed: file (as
    displayed, relative to the working directory), line, column, code, message."""
    shown: dict[str, str] = {}

    def key(d: Diagnostic) -> tuple[str, int, int, str, str]:
        file = d.span.file
        if file not in shown:
            shown[file] = display_path(file)
        return (shown[file], d.span.line, d.span.column, d.code, d.message)

    return sorted(diagnostics, key=key)
