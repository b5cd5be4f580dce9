"""How wide text is on a terminal, for carets under source lines and table columns.

A CJK character takes two columns and a combining accent none, so ``len``
misplaces carets and breaks tables as soon as a model names its ministries in
its own language. The widths come from ``wcwidth``, which follows the Unicode
East Asian Width and general-category tables release by release.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from .safe import printable

#: Tabs in a quoted source line advance to the next multiple of this column.
TAB_STOP = 4


def width(text: str) -> int:
    """The columns ``text`` takes on a terminal (a character with no width of
    its own, such as a control character, counts as none)."""
    if text.isascii() and text.isprintable():
        return len(text)  # most output: no need to load the Unicode tables at all
    wcswidth, wcwidth = _tables()
    found = wcswidth(text)
    if found >= 0:
        return int(found)
    return sum(max(0, int(wcwidth(ch))) for ch in text)


@functools.cache
def _tables() -> tuple[Callable[[str], int], Callable[[str], int]]:
    """wcwidth's functions, imported on first use: its tables take longer to
    load than a small check takes to run."""
    from wcwidth import wcswidth, wcwidth

    return wcswidth, wcwidth


def ljust(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def rjust(text: str, columns: int) -> str:
    return " " * max(0, columns - width(text)) + text


def column_widths(rows: Sequence[Sequence[str]]) -> list[int]:
    """The width of each column of a table: its widest cell."""
    return [max(width(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []


def shown(line: str) -> tuple[str, list[int]]:
    """A source line as a snippet shows it, and where each code point of it
    starts in that text (one more entry for the end of the line).

    Tabs advance to the next tab stop and control or direction characters are
    escaped (:func:`~.safe.printable`), so a caret placed with :func:`caret`
    sits under the very characters a column counts in code points.
    """
    pieces: list[str] = []
    starts: list[int] = []
    length = 0  # of the shown text so far
    run = ""  # what was shown since the last tab, for the tab stop
    column = 0  # the display column where ``run`` starts
    for ch in line:
        starts.append(length)
        if ch == "\t":
            column += width(run)
            piece = " " * (TAB_STOP - column % TAB_STOP)
            column += len(piece)
            run = ""
        else:
            piece = printable(ch)
            run += piece
        pieces.append(piece)
        length += len(piece)
    starts.append(length)
    return "".join(pieces), starts


def caret(text: str, starts: list[int], column: int, end_column: int) -> tuple[int, int]:
    """Where to draw a caret under ``text`` (as :func:`shown` gives it) for
    code-point columns ``column`` to ``end_column`` (1-based, end exclusive):
    its offset and its length in display columns, at least one."""
    last = len(starts) - 1
    start = starts[min(max(column, 1), last + 1) - 1]
    end = starts[min(max(end_column, column), last + 1) - 1]
    return width(text[:start]), max(1, width(text[start:end]))
