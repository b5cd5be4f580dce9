"""Formatting: the text ``sphere fmt`` writes, whatever the editor's tab size;
a document that does not parse is refused, as ``fmt`` refuses it."""

from __future__ import annotations

import attrs
from lsprotocol import types

from ..errors import SphereSyntaxError
from ..fmt import FormatterBug, format_text
from .positions import Lines


@attrs.frozen
class Refused:
    """Why a document was not formatted, in words for the user."""

    message: str


def format_document(text: str, path: str, lines: Lines) -> list[types.TextEdit] | Refused:
    """One edit that replaces the whole document with its canonical layout
    (none when it is already in it)."""
    try:
        formatted = format_text(text, path)
    except SphereSyntaxError as exc:
        first = exc.diagnostics[0] if exc.diagnostics else None
        where = f" at {first.span.line}:{first.span.column}: {first.message}" if first is not None else ""
        return Refused(f"not formatted: the document does not parse{where}")
    except FormatterBug as exc:
        return Refused(f"not formatted: {exc}")
    if formatted == text:
        return []
    return [types.TextEdit(types.Range(types.Position(0, 0), lines.end()), formatted)]
