"""A fast path for files written one plain statement per line.

Real models are mostly long runs of the same few statements (``power``,
``resource``, ``responsibility`` ... and sphere headers). Matching each line
with one compiled regular expression is several times faster than feeding
its tokens one by one through the LALR parser, and gives the very same AST.

The LALR parser stays the reference: the fast path only *accepts* what it is
sure of — one statement per line, in the usual spacing, no keyword used as a
name, no rule or scenario blocks — and gives up (returns ``None``) on
anything else, so every syntax error and every unusual layout is still
parsed, and reported, by the grammar. A differential test holds the two to
the same AST over every model in the repository and generated ones.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import attrs
from lark import Token

from ..diagnostics import Span
from . import ast
from .keywords import KEYWORDS as _KEYWORDS
from .transform import SUPPRESSIONS, SyntaxProblem, _SphereBuilder, build_file, collect_comment, unescape

_NAME = r"(?:[^\W\d]|[\u2118\u212e\u309b\u309c\u1885\u1886])[^\s\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]*"
_NUM = r"[+-]?\d(?:_?\d)*(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?"
_STR = r'"(?:[^"\\\n]|\\[^\n])*"'
_S = r"[ \t]+"    # required space
_O = r"[ \t]*"    # optional space
_PATH = rf"{_NAME}(?:\.{_NAME})*"
_REF = rf"{_NAME}(?:\.{_NAME})+"
_TAIL = rf"{_O}(?P<comment>//.*)?$"

_PATTERNS = {
    "sphere": re.compile(
        rf"(?P<kw>sphere){_S}(?P<name>{_NAME}){_O}:{_O}(?P<layer>{_NAME})"
        rf"(?:{_O}(?P<title>{_STR}))?(?:{_S}(?P<within_kw>within){_S}(?P<within>{_PATH}))?{_O}\{{{_TAIL}"),
    "power": re.compile(
        rf"(?P<kw>power){_S}(?P<name>{_NAME})(?:{_O}(?P<desc>{_STR}))?"
        rf"(?:{_S}(?P<from_kw>from){_S}(?P<ref>{_REF}))?{_TAIL}"),
    "responsibility": re.compile(
        rf"(?P<kw>responsibility){_S}(?P<name>{_NAME})(?:{_O}(?P<desc>{_STR}))?"
        rf"(?:{_S}(?P<req_kw>requires){_S}(?P<reqs>{_NAME}(?:{_S}{_NUM}(?:{_S}{_NAME})?)?"
        rf"(?:{_O},{_O}{_NAME}(?:{_S}{_NUM}(?:{_S}{_NAME})?)?)*))?"
        rf"(?:{_S}(?P<shared>shared))?{_TAIL}"),
    "resource": re.compile(
        rf"(?P<kw>resource){_S}(?P<name>{_NAME}){_O}={_O}(?P<num>{_NUM})(?:{_S}(?P<unit>{_NAME}))?"
        rf"(?:{_S}(?P<from_kw>from){_S}(?P<ref>{_REF}))?{_TAIL}"),
    "indicator": re.compile(
        rf"(?P<kw>indicator){_S}(?P<name>{_NAME}){_O}={_O}(?P<value>{_NUM}){_S}"
        rf"(?:(?P<of_kw>of){_S}(?P<of>{_NUM})"
        rf"|(?P<in_kw>in){_S}(?P<low>{_NUM}){_O}\.\.{_O}(?P<high>{_NUM})(?:{_S}(?P<lib>lower_is_better))?)"
        rf"(?:{_O}(?P<source>{_STR}))?{_TAIL}"),
    "capacity": re.compile(rf"(?P<kw>capacity){_S}(?P<num>{_NUM}){_TAIL}"),
    "channel": re.compile(
        rf"(?P<kw>channel){_S}(?P<name>{_NAME}){_S}(?P<st_kw>strength){_S}(?P<num>{_NUM})"
        rf"(?:{_O}(?P<desc>{_STR}))?{_TAIL}"),
    "allow": re.compile(rf"(?P<kw>allow){_S}(?P<name>{_NAME})(?:{_O}(?P<reason>{_STR}))?{_TAIL}"),
    "model": re.compile(rf"(?P<kw>model){_O}(?P<title>{_STR}){_TAIL}"),
    "import": re.compile(rf"(?P<kw>import){_O}(?P<target>{_STR}){_TAIL}"),
    "layers": re.compile(rf"(?P<kw>layers){_S}(?P<names>{_NAME}(?:{_O}>{_O}{_NAME})*){_TAIL}"),
}
_CLOSE = re.compile(rf"\}}{_TAIL}")
_COMMENT_ONLY = re.compile(r"(?P<comment>//.*)$")
_FIRST_WORD = re.compile(r"[a-z_]+")
_REQ = re.compile(rf"(?P<name>{_NAME})(?:{_S}(?P<num>{_NUM})(?:{_S}(?P<unit>{_NAME}))?)?")
_WORD = re.compile(_NAME)
_NUM_RE = re.compile(_NUM)


class _GiveUp(Exception):
    """The line is not one the fast path is sure of: parse the file with LALR."""


class _Line:
    """Span helpers for one source line (columns count from 1, in code points)."""

    __slots__ = ("file", "lineno", "indent", "match")

    def __init__(self, file: str, lineno: int, indent: int, match: re.Match[str]) -> None:
        self.file, self.lineno, self.indent, self.match = file, lineno, indent, match

    def span(self, start: int, end: int) -> Span:
        return Span(self.file, self.lineno, self.indent + start + 1, self.lineno, self.indent + end + 1)

    def name(self, group: str) -> ast.Name:
        return self.name_at(self.match.group(group), self.match.start(group))

    def name_at(self, text: str, start: int) -> ast.Name:
        if text in _KEYWORDS or not text.isidentifier():
            raise _GiveUp  # the grammar reserves it, or rejects it; let it say so
        # interned: a national model repeats a few hundred names a million times
        return ast.Name(sys.intern(text), self.file, self.lineno, self.indent + start + 1)

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


def _path(line: _Line, group: str) -> ast.Path:
    text, start = line.match.group(group), line.match.start(group)
    parts = []
    for word in _WORD.finditer(text):
        parts.append(line.name_at(word.group(), start + word.start()))
    return ast.Path(tuple(parts))


def _ref(line: _Line, group: str) -> ast.MemberRef | None:
    if line.match.group(group) is None:
        return None
    full = _path(line, group)
    return ast.MemberRef(ast.Path(full.parts[:-1]), full.parts[-1])


def _quantity(line: _Line, num: str, unit: str) -> ast.Quantity:
    number = line.number(num)
    unit_name = line.name(unit) if line.match.group(unit) is not None else None
    return ast.Quantity(number, unit_name)


def _power(line: _Line) -> ast.PowerDecl:
    return ast.PowerDecl(line.name("name"), line.string("desc"), _ref(line, "ref"), line.statement(("name", "desc", "ref")))


def _requirements(line: _Line) -> tuple[ast.Requirement, ...]:
    text = line.match.group("reqs")
    if text is None:
        return ()
    base = line.match.start("reqs")
    out = []
    for m in _REQ.finditer(text):
        name = line.name_at(m.group("name"), base + m.start("name"))
        qty = None
        if m.group("num") is not None:
            number = line.number_at(m.group("num"), base + m.start("num"))
            unit = line.name_at(m.group("unit"), base + m.start("unit")) if m.group("unit") else None
            qty = ast.Quantity(number, unit)
        out.append(ast.Requirement(name, qty))
    return tuple(out)


def _responsibility(line: _Line) -> ast.ResponsibilityDecl:
    return ast.ResponsibilityDecl(line.name("name"), line.string("desc"), _requirements(line),
                                  line.match.group("shared") is not None, line.statement(("name", "desc", "reqs", "shared")))


def _resource(line: _Line) -> ast.ResourceDecl:
    return ast.ResourceDecl(line.name("name"), _quantity(line, "num", "unit"), _ref(line, "ref"),
                            line.statement(("num", "unit", "ref")))


def _indicator(line: _Line) -> ast.IndicatorDecl:
    name, value, source = line.name("name"), line.number("value"), line.string("source")
    if line.match.group("of_kw") is not None:
        return ast.IndicatorDecl(name, value, line.number("of"), None, None, False, source,
                                 line.statement(("of", "source")))
    return ast.IndicatorDecl(name, value, None, line.number("low"), line.number("high"),
                             line.match.group("lib") is not None, source, line.statement(("high", "lib", "source")))


def _capacity(line: _Line) -> ast.CapacityDecl:
    return ast.CapacityDecl(line.number("num"), line.statement(("num",)))


def _channel(line: _Line) -> ast.ChannelDecl:
    return ast.ChannelDecl(line.name("name"), line.number("num"), line.string("desc"), line.statement(("num", "desc")))


def _allow(line: _Line) -> ast.AllowDecl:
    return ast.AllowDecl(line.name("name"), line.string("reason"), line.statement(("name", "reason")))


_MEMBERS: dict[str, Callable[[_Line], Any]] = {
    "power": _power,
    "responsibility": _responsibility,
    "resource": _resource,
    "indicator": _indicator,
    "capacity": _capacity,
    "channel": _channel,
    "allow": _allow,
}

def _comment(line: _Line) -> None:
    """Keep a ``// sphere: ignore`` comment exactly as the lexer callback would."""
    text = line.match.group("comment")
    if text is None or "sphere:" not in text:
        return
    start = line.match.start("comment")
    tok = Token("COMMENT", text, line=line.lineno, column=line.indent + start + 1, end_line=line.lineno,
                end_column=line.indent + start + 1 + len(text))
    collect_comment(tok)


class _Builder:
    """Sphere blocks under construction (a stack: no recursion)."""

    def __init__(self, max_depth: int) -> None:
        self.stack: list[_SphereBuilder] = []
        self.top: list[Any] = []
        self.max_depth = max_depth

    def open(self, line: _Line) -> None:
        m = line.match
        within = _path(line, "within") if m.group("within") is not None else None
        header = line.statement(("name", "layer", "title", "within"))
        builder = _SphereBuilder(line.name("name"), line.name("layer"), line.string("title"), within, [], header)
        (self.stack[-1].body if self.stack else self.top).append(builder)
        self.stack.append(builder)
        if len(self.stack) > self.max_depth:
            raise _GiveUp

    def close(self) -> None:
        if not self.stack:
            raise _GiveUp
        self.stack.pop()

    def member(self, decl: Any) -> None:
        if not self.stack:
            raise _GiveUp
        self.stack[-1].body.append(decl)


BlockParser = Callable[[str], ast.File]

_BLOCK_KINDS = ("rule", "scenario")
_STRINGS_AND_COMMENTS = re.compile(r'"(?:[^"\\\n]|\\[^\n])*"|//.*')


def parse_fast(text: str, path: str, max_depth: int, parse_block: BlockParser | None = None) -> ast.File | None:
    """The file's AST, or ``None`` when the LALR parser must decide.

    ``text`` is already decoded and newline-normalised; the caller has set the
    context (current file, suppression sink) as for a LALR parse. Top-level
    ``rule`` and ``scenario`` blocks are handed, each on its own, to
    ``parse_block`` (the grammar), so one rule does not send a whole national
    model down the slow path.
    """
    try:
        return _parse(text, path, max_depth, parse_block)
    except _GiveUp:
        return None


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one at a time: a national model has 600,000 of
    them, which as one list would cost more memory than its AST."""
    start, size = 0, len(text)
    while start <= size:
        end = text.find("\n", start)
        if end < 0:
            end = size
        yield text[start:end]
        start = end + 1


def _parse(text: str, path: str, max_depth: int, parse_block: BlockParser | None) -> ast.File:
    build = _Builder(max_depth)
    top_items: list[Any] = []
    lines = _lines(text)
    number = 0
    for raw in lines:
        number += 1
        stripped = raw.lstrip(" \t")
        if not stripped:
            continue
        indent = len(raw) - len(stripped)
        if stripped[0] == "}":
            match = _CLOSE.match(stripped)
            if match is None:
                raise _GiveUp
            build.close()
            _comment(_Line(path, number, indent, match))
            continue
        if stripped.startswith("//"):
            match = _COMMENT_ONLY.match(stripped)
            assert match is not None
            _comment(_Line(path, number, indent, match))
            continue
        word = _FIRST_WORD.match(stripped)
        kind = word.group() if word else ""
        if kind in _BLOCK_KINDS and parse_block is not None and not build.stack:
            block = _take_block(raw, lines)
            top_items.extend(_grammar_block(block, number, parse_block))
            number += len(block) - 1
            continue
        pattern = _PATTERNS.get(kind)
        match = pattern.match(stripped) if pattern else None
        if match is None:
            raise _GiveUp
        line = _Line(path, number, indent, match)
        _comment(line)
        if kind == "sphere":
            if not build.stack:
                top_items.append(None)  # keeps the place of the sphere among top-level items
            build.open(line)
        elif kind in _MEMBERS:
            build.member(_MEMBERS[kind](line))
        elif build.stack:
            raise _GiveUp  # a file-level statement inside a block: the grammar will say
        else:
            top_items.append(_file_statement(kind, line))
    if build.stack:
        raise _GiveUp  # an unclosed block is a syntax error: let the grammar report it
    return _file(path, top_items, build.top)


def _take_block(first: str, rest: Iterator[str]) -> list[str]:
    """The lines of the block that opens on ``first``, up to the line whose
    ``}`` closes it, taken from ``rest`` (braces in strings and comments do not
    count)."""
    depth, opened = 0, False
    block: list[str] = []
    line: str | None = first
    while line is not None:
        block.append(line)
        code = _STRINGS_AND_COMMENTS.sub("", line)
        if '"' in code:
            raise _GiveUp  # an unterminated string: the grammar will say
        depth += code.count("{") - code.count("}")
        opened = opened or "{" in code
        if opened and depth <= 0:
            if depth < 0 or code.rstrip().endswith("}") is False:
                raise _GiveUp  # something after the closing brace: not a plain block line
            return block
        line = next(rest, None)
    raise _GiveUp


def _grammar_block(block: list[str], first_line: int, parse_block: BlockParser) -> list[Any]:
    """A rule or scenario block parsed by the grammar, moved to its place in the file."""
    outer = SUPPRESSIONS.get(None)
    token = SUPPRESSIONS.set([])
    try:
        parsed = parse_block("\n".join(block))
    except Exception:  # noqa: BLE001 - any problem: the whole file goes to the grammar, which reports it
        raise _GiveUp from None
    finally:
        inner = SUPPRESSIONS.get([])
        SUPPRESSIONS.reset(token)
    if parsed.spheres or parsed.imports or parsed.layers or parsed.model or \
            len(parsed.rules) + len(parsed.scenarios) != 1:
        raise _GiveUp
    delta = first_line - 1
    if outer is not None:
        outer.extend(_shifted(s, delta) for s in inner)
    return [_shifted(item, delta) for item in (*parsed.rules, *parsed.scenarios)]


def _shifted(node: Any, delta: int) -> Any:
    """``node`` with every position moved ``delta`` lines down. The AST is flat,
    so this walk is as deep as its shape (a handful of levels), not the input."""
    if delta == 0:
        return node
    if isinstance(node, Span):
        return node._replace(line=node.line + delta, end_line=node.end_line + delta)
    if isinstance(node, tuple):
        return tuple(_shifted(x, delta) for x in node)
    if attrs.has(type(node)):
        changes = {}
        for field in attrs.fields(type(node)):
            value = getattr(node, field.name)
            if field.name == "line" and isinstance(value, int):
                changes[field.name] = value + delta
            elif isinstance(value, (tuple, Span)) or attrs.has(type(value)):
                changes[field.name] = _shifted(value, delta)
        return attrs.evolve(node, **changes)
    return node


def _file_statement(kind: str, line: _Line) -> Any:
    if kind == "model":
        return ast.ModelStmt(unescape(line.match.group("title")), line.statement(("title",)))
    if kind == "import":
        return ast.ImportStmt(unescape(line.match.group("target")), line.statement(("target",)))
    text, start = line.match.group("names"), line.match.start("names")
    names = tuple(line.name_at(w.group(), start + w.start()) for w in _WORD.finditer(text))
    return ast.LayersStmt(names, line.statement(("names",)))


def _file(path: str, items: list[Any], spheres: list[Any]) -> ast.File:
    try:
        return build_file(path, items, spheres)
    except SyntaxProblem:
        raise _GiveUp from None  # the grammar reports a misplaced 'model' itself
