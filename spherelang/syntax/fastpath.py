"""A fast path for files written one plain statement per line.

Real models are mostly long runs of the same few statements (``power``,
``resource``, ``responsibility`` ... and sphere headers). Matching each line
with one compiled regular expression is several times faster than feeding
its tokens one by one through the LALR parser, and gives the very same AST.

The LALR parser stays the reference. A line the patterns do not know (several
statements joined by ``;``, a sphere on one line, a header followed by
members, ``} }``) is handed to the grammar alone, wrapped in stand-in spheres
for the blocks around it, and its AST grafted in place: one unusual line
costs one line. Top-level ``rule`` and ``scenario`` blocks go to the grammar
a block at a time. Only a line the grammar refuses in that setting (a
syntax error, a string or brackets going on over lines) sends the whole file
to the grammar, which then reports the error. Differential and property
tests hold the two to the same AST over every model in the repository,
generated models, random layouts and programs generated from the grammar.

The line patterns are assembled from the grammar's own terminals (names,
numbers, strings, comments, keywords and punctuation; see
:mod:`.terminals`), once, on the first parse, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from . import ast, terminals
from .building import SphereBuilder, SyntaxProblem, build_file
from .fastpath_graft import BlockParser, grammar_block, grammar_line
from .deferred import DeferredMembers
from .keywords import KEYWORDS
from .fastpath_lines import (
    CheckedLine,
    GiveUp,
    check_names,
    Line,
    read_allow,
    read_capacity,
    read_channel,
    read_comment,
    read_import,
    read_indicator,
    read_layers,
    read_model,
    read_path,
    read_power,
    read_resource,
    read_responsibility,
)

# What a line handler does with its statement.
_OPEN, _MEMBER, _TOP = "open", "member", "top"

#: The spacing the fast path accepts between tokens. It is a subset of the
#: grammar's ignored WS (checked when the patterns are built); lines spaced
#: otherwise go to the grammar.
_SPACING = " \t"


#: A statement's reader: what it returns depends on the statement's role (a
#: member node for _MEMBER, a file-level statement for _TOP; _OPEN has none).
_Handler = Callable[[Line], Any]


@attrs.frozen(eq=False)
class _Lexicon:
    """The compiled line patterns, built from the grammar's terminals."""

    # a line's first word (a keyword) -> its pattern, what it does, its handler
    statements: dict[str, tuple[re.Pattern[str], str, _Handler | None]]
    close: re.Pattern[str]
    comment_only: re.Pattern[str]
    first_word: re.Pattern[str]
    requirement: re.Pattern[str]
    word: re.Pattern[str]
    lbrace: str
    rbrace: str
    block_kinds: tuple[str, ...]
    strings_and_comments: re.Pattern[str]
    separators: re.Pattern[str]
    semicolon: str


@functools.cache
def _lexicon() -> _Lexicon:
    """The line patterns, from the grammar's terminals (built once, on first use)."""
    t, kw = terminals.pattern, terminals.literal
    if not re.fullmatch(t("WS"), _SPACING):
        raise RuntimeError(f"the fast path's spacing {_SPACING!r} is not whitespace the grammar ignores")
    string, comment = t("STRING"), t("COMMENT")
    # a name that is not a keyword: what the post-lexer would retype never
    # matches, so a statement the patterns accept builds without fail later
    # (see .deferred); '\b' only ever refuses more than the grammar does
    reserved = "|".join(sorted(KEYWORDS, key=len, reverse=True))
    name = rf"(?!(?:{reserved})\b){t('NAME')}"
    num = rf"(?:{t('PLUS')}|{t('MINUS')})?{t('NUMBER')}"  # the grammar's 'number' rule, sign written tight
    s, o = rf"[{_SPACING}]+", rf"[{_SPACING}]*"    # required and optional space
    path = rf"{name}(?:{t('DOT')}{name})*"
    ref = rf"{name}(?:{t('DOT')}{name})+"
    tail = rf"{o}(?P<comment>{comment})?$"
    colon, eq, comma, gt, lbrace = t("COLON"), t("EQ"), t("COMMA"), t("GT"), t("LBRACE")

    def k(terminal: str, group: str = "kw") -> str:
        return rf"(?P<{group}>{t(terminal)})"

    requirement = rf"{name}(?:{s}{num}(?:{s}{name})?)?"
    lines = {
        "SPHERE": (_OPEN, None,
                   rf"{k('SPHERE')}{s}(?P<name>{name}){o}{colon}{o}(?P<layer>{name})"
                   rf"(?:{o}(?P<title>{string}))?(?:{s}{k('WITHIN', 'within_kw')}{s}(?P<within>{path}))?{o}{lbrace}{tail}"),
        "POWER": (_MEMBER, read_power,
                  rf"{k('POWER')}{s}(?P<name>{name})(?:{o}(?P<desc>{string}))?"
                  rf"(?:{s}{k('FROM', 'from_kw')}{s}(?P<ref>{ref}))?{tail}"),
        "RESPONSIBILITY": (_MEMBER, read_responsibility,
                           rf"{k('RESPONSIBILITY')}{s}(?P<name>{name})(?:{o}(?P<desc>{string}))?"
                           rf"(?:{s}{k('REQUIRES', 'req_kw')}{s}(?P<reqs>{requirement}(?:{o}{comma}{o}{requirement})*))?"
                           rf"(?:{s}(?P<shared>{t('SHARED')}))?{tail}"),
        "RESOURCE": (_MEMBER, read_resource,
                     rf"{k('RESOURCE')}{s}(?P<name>{name}){o}{eq}{o}(?P<num>{num})(?:{s}(?P<unit>{name}))?"
                     rf"(?:{s}{k('FROM', 'from_kw')}{s}(?P<ref>{ref}))?{tail}"),
        "INDICATOR": (_MEMBER, read_indicator,
                      rf"{k('INDICATOR')}{s}(?P<name>{name}){o}{eq}{o}(?P<value>{num}){s}"
                      rf"(?:{k('OF', 'of_kw')}{s}(?P<of>{num})"
                      rf"|{k('IN', 'in_kw')}{s}(?P<low>{num}){o}{t('DOTDOT')}{o}(?P<high>{num})"
                      rf"(?:{s}(?P<lib>{t('LOWER_IS_BETTER')}))?)"
                      rf"(?:{o}(?P<source>{string}))?{tail}"),
        "CAPACITY": (_MEMBER, read_capacity, rf"{k('CAPACITY')}{s}(?P<num>{num}){tail}"),
        "CHANNEL": (_MEMBER, read_channel,
                    rf"{k('CHANNEL')}{s}(?P<name>{name}){s}{k('STRENGTH', 'st_kw')}{s}(?P<num>{num})"
                    rf"(?:{o}(?P<desc>{string}))?{tail}"),
        "ALLOW": (_MEMBER, read_allow, rf"{k('ALLOW')}{s}(?P<name>{name})(?:{o}(?P<reason>{string}))?{tail}"),
        "MODEL": (_TOP, read_model, rf"{k('MODEL')}{o}(?P<title>{string}){tail}"),
        "IMPORT": (_TOP, read_import, rf"{k('IMPORT')}{o}(?P<target>{string}){tail}"),
        "LAYERS": (_TOP, read_layers, rf"{k('LAYERS')}{s}(?P<names>{name}(?:{o}{gt}{o}{name})*){tail}"),
    }
    first_word = re.compile(r"[a-z_]+")  # a cheap dispatch on the leading keyword
    statements: dict[str, tuple[re.Pattern[str], str, _Handler | None]] = {}
    for terminal, (role, handler, regex) in lines.items():
        word = kw(terminal)
        if not first_word.fullmatch(word):
            raise RuntimeError(f"the fast path cannot dispatch on the keyword {word!r}")
        statements[word] = (re.compile(regex), role, handler)
    return _Lexicon(
        statements=statements,
        close=re.compile(rf"{t('RBRACE')}{tail}"),
        comment_only=re.compile(rf"(?P<comment>{comment})$"),
        first_word=first_word,
        requirement=re.compile(rf"(?P<name>{name})(?:{s}(?P<num>{num})(?:{s}(?P<unit>{name}))?)?"),
        word=re.compile(t("NAME")),
        lbrace=kw("LBRACE"),
        rbrace=kw("RBRACE"),
        block_kinds=(kw("RULE"), kw("SCENARIO")),
        strings_and_comments=re.compile(rf"{string}|{comment}"),
        separators=re.compile(rf"{string}|{comment}|{t('_SEMI')}|{lbrace}|{t('RBRACE')}"),
        semicolon=kw("_SEMI"),
    )


class _Builder:
    """Sphere blocks under construction (a stack: no recursion)."""

    def __init__(self, max_depth: int, path: str) -> None:
        self.stack: list[SphereBuilder] = []
        self.top: list[SphereBuilder] = []
        self.max_depth = max_depth
        self.path = path

    def open(self, line: Line) -> None:
        m = line.match
        within = read_path(line, "within") if m.group("within") is not None else None
        header = line.statement(("name", "layer", "title", "within"))
        builder = SphereBuilder(line.name("name"), line.name("layer"), line.string("title"), within, [], header)
        (self.stack[-1].body if self.stack else self.top).append(builder)
        self.stack.append(builder)
        if len(self.stack) > self.max_depth:
            raise GiveUp

    def close(self) -> None:
        if not self.stack:
            raise GiveUp
        self.compact(self.stack.pop())

    def compact(self, block: SphereBuilder) -> None:
        _compact(block, self.path)

    def member(self, decl: Any) -> None:
        if not self.stack:
            raise GiveUp
        self.stack[-1].body.append(decl)

    def defer(self, line: Line, stripped: str) -> None:
        """A member statement the patterns read: kept as text (see :mod:`.deferred`)."""
        if not self.stack:
            raise GiveUp
        if not stripped.isascii():
            check_names(line)  # an ASCII name the pattern took is an identifier; others must be checked
        m = line.match
        groups = m.re.groupindex
        name = m.group("name") if "name" in groups else None
        unit = m.group("unit") if "unit" in groups else None
        self.stack[-1].body.append((line.lineno, line.indent, stripped, sys.intern(m.group("kw")),
                                    None if name is None else sys.intern(name), None if unit is None else sys.intern(unit)))


def _compact(block: SphereBuilder, path: str) -> None:
    """A closed block's deferred statements as one :class:`DeferredMembers`,
    unless the grammar read some of its members (then all are built now, in order)."""
    entries = [m for m in block.body if type(m) is tuple]
    if not entries:
        return
    if len(entries) + sum(isinstance(m, SphereBuilder) for m in block.body) == len(block.body):
        block.body = [m for m in block.body if type(m) is not tuple]
        block.body.append(DeferredMembers(path, entries))
    else:
        block.body = [build_member(path, *m[:3]) if type(m) is tuple else m for m in block.body]


def build_member(path: str, number: int, indent: int, stripped: str, keyword: str | None = None) -> ast.Member:
    """The AST node of a member statement the patterns accepted (and whose
    names were checked) at parse time; ``keyword`` is its first word, if known."""
    lexicon = _lexicon()
    if keyword is None:
        word = lexicon.first_word.match(stripped)
        assert word is not None, "a statement the patterns accepted starts with its keyword"
        keyword = word.group()
    pattern, _, handler = lexicon.statements[keyword]
    match = pattern.match(stripped)
    assert match is not None and handler is not None, "a member statement the patterns accepted"
    member: ast.Member = handler(CheckedLine(path, number, indent, match, lexicon))
    return member


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
    except GiveUp:
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
    lexicon = _lexicon()
    statements, first_word, rbrace, block_kinds = (
        lexicon.statements, lexicon.first_word, lexicon.rbrace, lexicon.block_kinds)
    build = _Builder(max_depth, path)
    top_items: list[Any] = []
    lines = _lines(text)
    number = 0
    for raw in lines:
        number += 1
        stripped = raw.lstrip(_SPACING)
        if not stripped:
            continue
        indent = len(raw) - len(stripped)
        if stripped.startswith(rbrace):
            match = lexicon.close.match(stripped)
            if match is None:
                if not _pieces(raw, number, path, lexicon, build, top_items):
                    _unusual(raw, number, lexicon, parse_block, build, top_items)
                continue
            build.close()
            read_comment(Line(path, number, indent, match, lexicon))
            continue
        word = first_word.match(stripped)
        if word is None:
            match = lexicon.comment_only.match(stripped)
            if match is None:
                _unusual(raw, number, lexicon, parse_block, build, top_items)
                continue
            read_comment(Line(path, number, indent, match, lexicon))
            continue
        kind = word.group()
        if kind in block_kinds and parse_block is not None and not build.stack:
            block = _take_block(raw, lines, lexicon)
            top_items.extend(grammar_block(block, number, parse_block))
            number += len(block) - 1
            continue
        entry = statements.get(kind)
        match = None if entry is None else entry[0].match(stripped)
        if match is None or entry is None:
            if not _pieces(raw, number, path, lexicon, build, top_items):
                _unusual(raw, number, lexicon, parse_block, build, top_items)
            continue
        _, role, handler = entry
        line = Line(path, number, indent, match, lexicon)
        read_comment(line)
        if role is _OPEN:
            if not build.stack:
                top_items.append(None)  # keeps the place of the sphere among top-level items
            build.open(line)
        elif role is _MEMBER:
            build.defer(line, stripped)
        elif build.stack:
            raise GiveUp  # a file-level statement inside a block: the grammar will say
        else:
            assert handler is not None, "every file-level statement has a reader"
            top_items.append(handler(line))
    if build.stack:
        raise GiveUp  # an unclosed block is a syntax error: let the grammar report it
    return _file(path, top_items, build.top)


def _pieces(raw: str, number: int, path: str, lexicon: _Lexicon, build: _Builder, top_items: list[Any]) -> bool:
    """A line of several statements (``power a; power b``, a sphere opened or
    closed beside its members, ``} }``), read piece by piece with the same
    patterns. ``False``, with nothing recorded, when a piece is not one the
    patterns know: the grammar then reads the line."""
    steps = _piece_steps(raw, number, path, lexicon)
    if steps is None:
        return False
    for role, line, handler in steps:
        if line is None:  # a close, or nothing
            if role == "close":
                build.close()
            continue
        read_comment(line)
        if role is _OPEN:
            if not build.stack:
                top_items.append(None)
            build.open(line)
        elif role is _MEMBER:
            build.defer(line, line.match.string)
        elif role is _TOP:
            if build.stack:
                raise GiveUp  # a file-level statement inside a block: the grammar will say
            top_items.append(handler(line))
    return True


def _piece_steps(raw: str, number: int, path: str, lexicon: _Lexicon) -> list[tuple[str, Line | None, Any]] | None:
    """What each piece of ``raw`` does, or ``None`` if a piece is unknown."""
    cuts: list[tuple[int, int, str]] = []  # (start, end, the separator that ends it: ';', '{', '}' or '')
    start = 0
    for m in lexicon.separators.finditer(raw):
        sep = m.group()
        if sep[0] in "\"/":
            continue  # a string, or the comment: stays with the last piece
        cuts.append((start, m.end() if sep == lexicon.lbrace else m.start(), sep))
        start = m.end()
    cuts.append((start, len(raw), ""))
    steps: list[tuple[str, Line | None, Any]] = []
    after_close = False
    for begin, end, sep in cuts:
        text = raw[begin:end]
        stripped = text.lstrip(_SPACING)
        indent = begin + len(text) - len(stripped)
        body = stripped.rstrip(_SPACING)
        if not body or body.startswith("//"):
            comment = lexicon.comment_only.match(body) if body else None
            if body and comment is None:
                return None
            steps.append(("comment", Line(path, number, indent, comment, lexicon), None) if comment else ("", None, None))
        else:
            if after_close:
                return None  # a statement right after '}' needs a separator first
            word = lexicon.first_word.match(stripped)
            entry = lexicon.statements.get(word.group()) if word else None
            match = entry[0].match(stripped) if entry else None
            if match is None or entry is None or (entry[1] is _OPEN) != (sep == lexicon.lbrace):
                return None
            steps.append((entry[1], Line(path, number, indent, match, lexicon), entry[2]))
        after_close = sep == lexicon.rbrace
        if sep == lexicon.rbrace:
            steps.append(("close", None, None))
    return steps


def _unusual(raw: str, number: int, lexicon: _Lexicon, parse_block: BlockParser | None,
             build: _Builder, top_items: list[Any]) -> None:
    """A line no pattern took: the grammar reads it alone, or the whole file."""
    if parse_block is None:
        raise GiveUp
    grammar_line(raw, number, lexicon, parse_block, build, top_items)


def _take_block(first: str, rest: Iterator[str], lexicon: _Lexicon) -> list[str]:
    """The lines of the block that opens on ``first``, up to the line whose
    ``}`` closes it, taken from ``rest`` (braces in strings and comments do not
    count)."""
    depth, opened = 0, False
    block: list[str] = []
    line: str | None = first
    while line is not None:
        block.append(line)
        code = lexicon.strings_and_comments.sub("", line)
        if '"' in code:
            raise GiveUp  # an unterminated string: the grammar will say
        depth += code.count(lexicon.lbrace) - code.count(lexicon.rbrace)
        opened = opened or lexicon.lbrace in code
        if opened and depth <= 0:
            if depth < 0 or code.rstrip().endswith(lexicon.rbrace) is False:
                raise GiveUp  # something after the closing brace: not a plain block line
            return block
        line = next(rest, None)
    raise GiveUp


def _file(path: str, items: list[Any], spheres: list[Any]) -> ast.File:
    try:
        return build_file(path, items, spheres)
    except SyntaxProblem:
        raise GiveUp from None  # the grammar reports a misplaced 'model' itself
