"""Source snippets under a diagnostic, rustc- and ruff-style: the line with a
caret under the primary span, then each related location (``::: file:line:col``)
with its own line, its own underline and what it shows there."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from ..diagnostics import Related, Span
from ..syntax.source import decode
from .paths import display_path
from .safe import printable
from .width import caret, shown

Style = Callable[..., str]

#: Source lines longer than this are cut in snippets (and a caret beyond it is not drawn).
SNIPPET_WIDTH = 300
#: Related locations drawn under one diagnostic; the rest are counted (JSON and SARIF list them all).
MAX_RELATED = 5


class SourceCache:
    """Source lines for snippets, read once per file; unreadable files give none.

    Only files the run itself read are shown (``allowed``, real paths): a file
    refused for lying outside the project is never quoted.
    """

    def __init__(self, allowed: set[str] | None = None, given: Mapping[str, bytes] | None = None) -> None:
        # ``given``: content checked instead of the disk (standard input), by absolute path
        self._lines: dict[str, list[str] | None] = {os.path.abspath(p): self._decode(b)
                                                     for p, b in (given or {}).items()}
        self._allowed = allowed

    def line(self, path: str, number: int) -> str | None:
        if path not in self._lines:
            permitted = self._allowed is None or os.path.realpath(path) in self._allowed
            self._lines[path] = self._read(path) if permitted else None
        lines = self._lines[path]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]

    @staticmethod
    def _decode(data: bytes) -> list[str] | None:
        try:
            return decode(data).split("\n")
        except Exception:  # noqa: BLE001 - a snippet is optional
            return None

    @staticmethod
    def _read(path: str) -> list[str] | None:
        try:
            with open(path, "rb") as fh:
                return decode(fh.read()).split("\n")
        except (OSError, ValueError, Exception):  # noqa: BLE001 - a snippet is optional
            return None


class Snippets:
    """The snippet lines of one diagnostic, their gutter as wide as its
    largest line number so every ``|`` lines up."""

    def __init__(self, sources: SourceCache, style: Style, spans: list[Span]) -> None:
        self.sources, self.style = sources, style
        self.gutter = " " * max(len(str(s.line)) for s in spans)

    def bar(self, text: str = "") -> str:
        return self.style(f"{self.gutter} |", fg="blue") + (f" {text}" if text else "")

    def quote(self, span: Span, mark: str, colour: str, label: str = "") -> list[str] | None:
        """The line of ``span`` with ``mark`` drawn under it, then ``label``;
        ``None`` when the line cannot be shown."""
        source = self.sources.line(span.file, span.line)
        if source is None or span.column > SNIPPET_WIDTH:
            return None
        text, starts = shown(source[:SNIPPET_WIDTH])  # a 5 MB line is shown by its start
        end = span.end_column if span.end_line == span.line else len(starts)
        offset, size = caret(text, starts, span.column, end)
        number = self.style(f"{str(span.line).rjust(len(self.gutter))} |", fg="blue")
        under = " " * offset + self.style(mark * size, fg=colour, bold=True)
        return [number + f" {text}", self.bar(under + (" " + self.style(label, fg=colour) if label else ""))]

    def related(self, item: Related) -> list[str]:
        """A related location: where it is, then its line underlined with its note."""
        s = item.span
        where = f"{self.gutter}::: {printable(display_path(s.file))}:{s.line}:{s.column}"
        note = printable(item.note)
        quoted = self.quote(s, "-", "blue", note)
        if quoted is None:
            return [self.style(where, fg="blue") + (f": {note}" if note else "")]
        return [self.style(where, fg="blue"), self.bar(), *quoted]


def snippet(span: Span, related: tuple[Related, ...], sources: SourceCache, style: Style,
            colour: str) -> list[str]:
    """The lines under a diagnostic's heading: its own line with a caret, then
    its related locations (at most :data:`MAX_RELATED`, the rest counted)."""
    shown_related = related[:MAX_RELATED]
    lines = Snippets(sources, style, [span, *(r.span for r in shown_related)])
    out: list[str] = []
    quoted = lines.quote(span, "^", colour)
    if quoted is not None:
        out += [lines.bar(), *quoted]
    for item in shown_related:
        out += [lines.bar(), *lines.related(item)] if out else lines.related(item)
    if len(related) > MAX_RELATED:
        more = len(related) - MAX_RELATED
        out.append(style("  = note: ", fg="cyan", bold=True)
                   + f"and {more} more related location{'s' if more > 1 else ''} (listed by --format json)")
    return out
