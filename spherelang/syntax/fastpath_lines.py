"""The fast path's line handlers: one matched statement line to its AST node,
with the spans the grammar would give it."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..diagnostics import Span
from . import ast
from .building import collect_suppression, unescape
from .keywords import KEYWORDS as _KEYWORDS

if TYPE_CHECKING:
    import re

    from .fastpath import _Lexicon


class GiveUp(Exception):
    """The line is not one the fast path is sure of: parse the file with LALR."""


class Line:
    """Span helpers for one source line (columns count from 1, in code points)."""

    __slots__ = ("file", "lineno", "indent", "match", "lexicon")

    def __init__(self, file: str, lineno: int, indent: int, match: re.Match[str], lexicon: _Lexicon) -> None:
        self.file, self.lineno, self.indent, self.match, self.lexicon = file, lineno, indent, match, lexicon

    def span(self, start: int, end: int) -> Span:
        return Span(self.file, self.lineno, self.indent + start + 1, self.lineno, self.indent + end + 1)

    def name(self, group: str) -> ast.Name:
        return self.name_at(self.match.group(group), self.match.start(group))

    def name_at(self, text: str, start: int) -> ast.Name:
        if text in _KEYWORDS or not text.isidentifier():
            raise GiveUp  # the grammar reserves it, or rejects it; let it say so
        # interned: a national model repeats a few hundred names a million times
        return ast.Name(sys.intern(text), self.file, self.lineno, self.indent + start + 1)

    def names(self, group: str) -> list[ast.Name]:
        """Every name in the group's text (a path, a list of layers)."""
        text, start = self.match.group(group), self.match.start(group)
        return [self.name_at(w.group(), start + w.start()) for w in self.lexicon.word.finditer(text)]

    def number(self, group: str) -> ast.Number:
        return self.number_at(self.match.group(group), self.match.start(group))

    def number_at(self, text: str, start: int) -> ast.Number:
        col = self.indent + start + 1
        return ast.Number(float(text.replace("_", "")), text, self.file, self.lineno, col, col + len(text))

    def string(self, group: str) -> str | None:
        raw = self.match.group(group)
        return None if raw is None else unescape(raw)

    def statement(self, last: tuple[str, ...]) -> Span:
        """From the keyword to the end of the last present group among ``last``
        (an absent group ends at -1, so ``max`` skips it)."""
        m = self.match
        return self.span(m.start("kw"), max(map(m.end, last)))


class CheckedLine(Line):
    """A line whose names were checked when it was read (see :func:`check_names`):
    building its deferred statement later skips the checks."""

    __slots__ = ()

    def name_at(self, text: str, start: int) -> ast.Name:
        return ast.Name(sys.intern(text), self.file, self.lineno, self.indent + start + 1)


def check_names(line: Line) -> None:
    """Raise :class:`GiveUp` wherever building this member statement would
    (a keyword or a non-name where a name stands), without building it: a
    deferred statement must build later without fail."""
    m = line.match
    for group in ("name", "unit", "ref", "reqs"):
        text = m.group(group) if group in m.re.groupindex else None
        if text is None:
            continue
        words = [text] if group in ("name", "unit") else [w.group() for w in line.lexicon.word.finditer(text)]
        if any(w in _KEYWORDS or not w.isidentifier() for w in words):
            raise GiveUp


def read_path(line: Line, group: str) -> ast.Path:
    return ast.Path(tuple(line.names(group)))


def read_ref(line: Line, group: str) -> ast.MemberRef | None:
    if line.match.group(group) is None:
        return None
    full = read_path(line, group)
    return ast.MemberRef(ast.Path(full.parts[:-1]), full.parts[-1])


def read_quantity(line: Line, num: str, unit: str) -> ast.Quantity:
    number = line.number(num)
    unit_name = line.name(unit) if line.match.group(unit) is not None else None
    return ast.Quantity(number, unit_name)


def read_power(line: Line) -> ast.PowerDecl:
    return ast.PowerDecl(line.name("name"), line.string("desc"), read_ref(line, "ref"), line.statement(("name", "desc", "ref")))


def read_requirements(line: Line) -> tuple[ast.Requirement, ...]:
    text = line.match.group("reqs")
    if text is None:
        return ()
    base = line.match.start("reqs")
    out = []
    for m in line.lexicon.requirement.finditer(text):
        name = line.name_at(m.group("name"), base + m.start("name"))
        qty = None
        if m.group("num") is not None:
            number = line.number_at(m.group("num"), base + m.start("num"))
            unit = line.name_at(m.group("unit"), base + m.start("unit")) if m.group("unit") else None
            qty = ast.Quantity(number, unit)
        out.append(ast.Requirement(name, qty))
    return tuple(out)


def read_responsibility(line: Line) -> ast.ResponsibilityDecl:
    return ast.ResponsibilityDecl(line.name("name"), line.string("desc"), read_requirements(line),
                                  line.match.group("shared") is not None, line.statement(("name", "desc", "reqs", "shared")))


def read_resource(line: Line) -> ast.ResourceDecl:
    return ast.ResourceDecl(line.name("name"), read_quantity(line, "num", "unit"), read_ref(line, "ref"),
                            line.statement(("num", "unit", "ref")))


def read_indicator(line: Line) -> ast.IndicatorDecl:
    name, value, source = line.name("name"), line.number("value"), line.string("source")
    if line.match.group("of_kw") is not None:
        return ast.IndicatorDecl(name, value, line.number("of"), None, None, False, source,
                                 line.statement(("of", "source")))
    return ast.IndicatorDecl(name, value, None, line.number("low"), line.number("high"),
                             line.match.group("lib") is not None, source, line.statement(("high", "lib", "source")))


def read_capacity(line: Line) -> ast.CapacityDecl:
    return ast.CapacityDecl(line.number("num"), line.statement(("num",)))


def read_channel(line: Line) -> ast.ChannelDecl:
    return ast.ChannelDecl(line.name("name"), line.number("num"), line.string("desc"), line.statement(("num", "desc")))


def read_allow(line: Line) -> ast.AllowDecl:
    return ast.AllowDecl(line.name("name"), line.string("reason"), line.statement(("name", "reason")))


def read_model(line: Line) -> ast.ModelStmt:
    return ast.ModelStmt(unescape(line.match.group("title")), line.statement(("title",)))


def read_import(line: Line) -> ast.ImportStmt:
    return ast.ImportStmt(unescape(line.match.group("target")), line.statement(("target",)))


def read_layers(line: Line) -> ast.LayersStmt:
    return ast.LayersStmt(tuple(line.names("names")), line.statement(("names",)))


def read_comment(line: Line) -> None:
    """Record a ``// sphere: ignore`` comment exactly as the grammar's lexer callback would."""
    text = line.match.group("comment")
    if text is not None:
        collect_suppression(text, line.lineno, line.indent + line.match.start("comment") + 1)
