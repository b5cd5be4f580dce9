"""The canonical layout, computed from the token stream without recursion.

One pass turns tokens into output lines (a statement, a block header ending
in ``{``, a closing ``}``, or an own-line comment), each with its brace depth,
an optional trailing comment and whether the source had a blank line before
it. A second pass adds the blank lines the layout requires and drops the ones
it forbids; a third writes the text. Depth is a counter, so 1,000-deep
nesting costs nothing special.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lark import Token

from ..syntax import lexed

INDENT = "  "
TRAILING_GAP = "  "  # before a trailing `//` comment
EMPTY_BLOCK = "{ }"  # a block with no statements and no comments

# Tokens that touch their neighbour (no space between).
_NO_SPACE_BEFORE = frozenset({"COMMA", "RPAR", "RSQB", "DOT", "DOTDOT"})
_NO_SPACE_AFTER = frozenset({"LPAR", "LSQB", "DOT", "DOTDOT"})
# Tokens that end an operand in a rule expression: a `-` after one is binary.
_OPERAND_END = frozenset({"NAME", "NUMBER", "STRING", "RPAR", "RSQB", "TRUE", "FALSE", "NULL"})
# Statements whose tail is a rule expression (`for VAR in COLL where EXPR`, ...).
_EXPR_STATEMENTS = frozenset({"FOR", "WHERE", "REQUIRE"})
_SIGNS = frozenset({"MINUS", "PLUS"})

STMT, OPEN, CLOSE, COMMENT, GLUED = "stmt", "open", "close", "comment", "glued"

#: Comments whose meaning depends on the line they are on: suppressions
#: (``// sphere: ignore[...]`` applies to every statement on its line) and
#: ``sphere test`` expectations (``// expect: CODE``). A line ending in one is
#: never split, and such a comment never moves to another statement's line.
LINE_BOUND = re.compile(r"//\s*(?:sphere|expect)\s*:")


class Line:
    """One output line before blank lines are settled.

    ``opens``: the next line is the first thing of a block (an OPEN, or a GLUED
    line that leaves a block open); ``closes``: the line starts with ``}``;
    ``block``: at the top level, the line belongs to a block (starts, holds or
    ends one).
    """

    __slots__ = ("kind", "depth", "text", "trailing", "blank_before", "is_sphere", "first_raw", "last_raw",
                 "opens", "closes", "block")

    def __init__(self, kind: str, depth: int, text: str, blank_before: bool, first_raw: int, last_raw: int,
                 is_sphere: bool = False) -> None:
        self.kind = kind
        self.depth = depth
        self.text = text
        self.trailing: str | None = None
        self.blank_before = blank_before
        self.is_sphere = is_sphere
        self.first_raw = first_raw  # source line of the line's first token
        self.last_raw = last_raw  # source line of the line's last token (for trailing comments)
        self.opens = kind == OPEN
        self.closes = kind == CLOSE
        self.block = kind != STMT


def render_statement(toks: Sequence[Token]) -> str:
    """The tokens of one statement with canonical spacing, each spelled as written."""
    expr = toks[0].type in _EXPR_STATEMENTS
    out: list[str] = []
    before_prev: Token | None = None
    prev: Token | None = None
    for tok in toks:
        if prev is not None and _space_between(before_prev, prev, tok, expr):
            out.append(" ")
        out.append(tok.value)
        before_prev, prev = prev, tok
    return "".join(out)


def _space_between(before: Token | None, a: Token, b: Token, expr: bool) -> bool:
    if b.type in _NO_SPACE_BEFORE or a.type in _NO_SPACE_AFTER:
        return False
    if b.type == "LPAR" and a.type == "NAME":  # a call: `count(`
        return False
    if a.type in _SIGNS:
        # Outside rule expressions a sign only ever prefixes a number (`-0.3`,
        # `requires budget -5 KZT`); inside, it is unary unless it follows an operand.
        if not expr or before is None or before.type not in _OPERAND_END:
            return False
    return True


def _comment_text(tok: Token) -> str:
    text: str = tok.value
    return text.rstrip()


def build_lines(toks: Sequence[Token]) -> list[Line]:
    """First pass: tokens to lines (see the module docstring)."""
    lines: list[Line] = []
    depth = 0
    paren = 0
    stmt: list[Token] = []
    stmt_blank = False
    hoisted: list[Token] = []  # comments inside a statement that spans lines
    prev_end = 0  # source line where the previous token or comment ended (0: none yet)
    attach: Line | None = None  # the line holding the last token, for a trailing comment

    def gap(line: int) -> bool:
        return prev_end > 0 and line - prev_end >= 2

    def end_statement() -> None:
        nonlocal stmt, hoisted, attach
        if not stmt:
            return
        blank = stmt_blank
        for c in hoisted:
            lines.append(Line(COMMENT, depth, _comment_text(c), blank, lexed.line(c), lexed.line(c)))
            blank = False
        line = Line(STMT, depth, render_statement(stmt), blank, lexed.line(stmt[0]), lexed.end_line(stmt[-1]))
        lines.append(line)
        attach = line
        stmt, hoisted = [], []

    for tok in toks:
        kind = tok.type
        first, last = lexed.line(tok), lexed.end_line(tok)
        if kind == "COMMENT":
            if stmt and paren:
                if (LINE_BOUND.search(tok.value) and attach is not None and attach.trailing is None
                        and first == attach.last_raw):
                    # `rule R "s" { for s in spheres where f(a,  // sphere: ignore`: the comment
                    # belongs to the header's line, not above the clause that continues below
                    attach = _glue(lines, first) or attach
                    attach.trailing = _comment_text(tok)
                else:
                    hoisted.append(tok)
            else:
                end_statement()  # a comment ends its line: the statement is complete
                if attach is not None and first == attach.last_raw and LINE_BOUND.search(tok.value):
                    attach = _glue(lines, first) or attach
                if attach is not None and attach.trailing is None and first == attach.last_raw:
                    attach.trailing = _comment_text(tok)
                else:
                    lines.append(Line(COMMENT, depth, _comment_text(tok), gap(first), first, first))
                    attach = None
            prev_end = last
            continue
        if kind == "_NL":  # a newline inside () or [] never reaches here
            end_statement()
            continue
        if kind == "_SEMI":
            end_statement()
        elif kind == "LBRACE":
            line = Line(OPEN, depth, render_statement(stmt) + " {", stmt_blank, lexed.line(stmt[0]), first,
                        is_sphere=stmt[0].type == "SPHERE")
            lines.append(line)
            attach = line
            stmt = []
            depth += 1
        elif kind == "RBRACE":
            end_statement()
            depth -= 1
            line = Line(CLOSE, depth, "}", False, first, first)
            lines.append(line)
            attach = line
        else:
            if not stmt:
                stmt_blank = gap(first)
            stmt.append(tok)
            if kind in ("LPAR", "LSQB"):
                paren += 1
            elif kind in ("RPAR", "RSQB"):
                paren -= 1
        prev_end = last
    end_statement()
    return lines


def _glue(lines: list[Line], raw: int) -> Line | None:
    """Join the statements and braces that start on source line ``raw`` (the
    last lines so far) into one GLUED line, as ``a; b`` and ``header { a }``;
    None when there are fewer than two."""
    i = len(lines)
    while i > 0 and lines[i - 1].kind in (STMT, OPEN, CLOSE) and lines[i - 1].first_raw == raw:
        i -= 1
    run = lines[i:]
    if len(run) < 2:
        return None
    parts: list[str] = []
    pending: list[Line] = []  # OPEN lines not closed within the run
    for line in run:
        if parts and line.kind in (STMT, OPEN) and _part_kind(parts) in (STMT, CLOSE):
            parts[-1] += ";"
        parts.append(line.text)
        if line.kind == OPEN:
            pending.append(line)
        elif line.kind == CLOSE and pending:
            pending.pop()
    glued = Line(GLUED, run[0].depth, " ".join(parts), run[0].blank_before,
                 raw, run[-1].last_raw, is_sphere=run[0].is_sphere)
    glued.opens = bool(pending)
    glued.closes = run[0].kind == CLOSE
    glued.block = any(line.kind != STMT for line in run)
    lines[i:] = [glued]
    return glued


def _part_kind(parts: list[str]) -> str:
    """The kind of the last part of a glued line: ``}``, ``... {`` or a statement."""
    last = parts[-1]
    return CLOSE if last == "}" else OPEN if last.endswith("{") else STMT


def settle_blank_lines(lines: list[Line]) -> None:
    """Second pass: required blank lines in, forbidden ones out."""
    last_top: bool | None = None  # whether the previous top-level statement was (part of) a block
    for i, line in enumerate(lines):
        if line.kind in (COMMENT, CLOSE):
            continue
        if line.depth == 0:
            if last_top is not None and not line.closes and (line.block or last_top):
                _blank_before_group(lines, i)
            last_top = line.block
        elif line.is_sphere:
            _blank_before_group(lines, i)
    for i, line in enumerate(lines):
        if i == 0 or line.closes or lines[i - 1].opens:
            line.blank_before = False


def _blank_before_group(lines: list[Line], i: int) -> None:
    """A blank line before line ``i`` and the comments directly above it,
    unless they are the first thing in the file or in their block."""
    j = i
    while j > 0 and lines[j - 1].kind == COMMENT and not lines[j].blank_before:
        j -= 1
    if j > 0 and not lines[j - 1].opens:
        lines[j].blank_before = True


def write(lines: Sequence[Line]) -> str:
    """Third pass: the text, LF line ends, exactly one final newline (none if empty)."""
    out: list[str] = []
    skip_close = False
    for i, line in enumerate(lines):
        if skip_close:
            skip_close = False
            continue
        text = line.text
        trailing = line.trailing
        if (line.kind == OPEN and trailing is None and i + 1 < len(lines) and lines[i + 1].kind == CLOSE
                and _may_join(line, lines[i + 1])):
            text = text[:-1] + EMPTY_BLOCK
            trailing = lines[i + 1].trailing
            skip_close = True
        if line.blank_before:
            out.append("\n")
        out.append(INDENT * line.depth)
        out.append(text)
        if trailing is not None:
            out.append(TRAILING_GAP)
            out.append(trailing)
        out.append("\n")
    return "".join(out)


def _may_join(open_line: Line, close: Line) -> bool:
    """Whether an empty block's ``}`` may move up to its header's line: not when
    that would carry a line-bound comment onto another line."""
    return (close.trailing is None or close.first_raw == open_line.last_raw
            or not LINE_BOUND.search(close.trailing))


def layout(toks: Sequence[Token]) -> str:
    lines = build_lines(toks)
    settle_blank_lines(lines)
    return write(lines)
