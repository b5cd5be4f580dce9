"""Positions between the checker (lines and columns from 1, in code points,
after a leading BOM is dropped) and the protocol (from 0, in the code units of
the encoding the client and the server agreed on: UTF-16 unless the client
offers another).

A line ends at LF, CRLF or a lone CR, as in both the protocol and the parser;
no other character (a form feed, U+2028) ends one.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types

from ..diagnostics import Span
from ..syntax.source import BOM

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_LINE_END = re.compile(r"\r\n|\r|\n")


def units(text: str, encoding: str) -> int:
    """How many code units ``text`` takes in ``encoding``."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class Lines:
    """One text's lines, for converting positions both ways."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self.starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
        # the checker does not count a leading BOM; the editor does
        self.bom = 1 if text.startswith(BOM) else 0

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, index: int) -> str:
        """The text of line ``index`` (from 0) without its end; "" past the end."""
        if not 0 <= index < len(self.starts):
            return ""
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[index]:end].rstrip("\r\n")

    def position(self, line: int, column: int) -> types.Position:
        """The protocol position of the checker's (``line``, ``column``), both from 1."""
        if line - 1 >= len(self.starts):  # past the end: the end of the text
            return self.end()
        index = max(line - 1, 0)
        points = max(column - 1, 0) + (self.bom if index == 0 else 0)
        return types.Position(index, units(self.line(index)[:points], self.encoding))

    def range(self, span: Span) -> types.Range:
        start = self.position(span.line, span.column)
        end = self.position(span.end_line, span.end_column)
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return types.Range(start, end)

    def end(self) -> types.Position:
        """The position just after the last character."""
        last = len(self.starts) - 1
        return types.Position(last, units(self.line(last), self.encoding))

    def column(self, position: types.Position) -> tuple[int, int]:
        """The checker's (line, column), both from 1, of a protocol position;
        a position inside a character (half a surrogate pair) counts as that character."""
        points = code_points(self.line(position.line), position.character, self.encoding)
        if position.line == 0:
            points = max(points - self.bom, 0)
        return position.line + 1, points + 1

    def offset(self, position: types.Position) -> int:
        """The index into the text of a protocol position (clamped to the text)."""
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[max(position.line, 0)]
        return start + code_points(self.line(position.line), position.character, self.encoding)

    def at(self, index: int, points: int) -> types.Position:
        """The protocol position of the ``points``-th character of line ``index``
        (both from 0, counted in the line as the editor holds it)."""
        return types.Position(index, units(self.line(index)[:points], self.encoding))

    def index(self, line: int, column: int) -> int:
        """The index into its line (as the editor holds it) of the checker's (``line``, ``column``)."""
        return max(column - 1, 0) + (self.bom if line == 1 else 0)

    def offset_at(self, line: int, column: int) -> int:
        """The index into the text of the checker's (``line``, ``column``)."""
        if line - 1 >= len(self.starts):
            return len(self.text)
        index = max(line - 1, 0)
        points = max(column - 1, 0) + (self.bom if index == 0 else 0)
        return self.starts[index] + min(points, len(self.line(index)))

    def position_at(self, offset: int) -> types.Position:
        """The protocol position of an index into the text."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return types.Position(index, units(self.text[self.starts[index]:offset], self.encoding))


def code_points(text: str, character: int, encoding: str) -> int:
    """How many code points of ``text`` fit in ``character`` code units (clamped to the line)."""
    if encoding == UTF32 or text.isascii():
        return min(max(character, 0), len(text))
    count = 0
    for index, ch in enumerate(text):
        count += units(ch, encoding)
        if count > character:
            return index
    return len(text)
