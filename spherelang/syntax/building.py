"""What both parsers build a file from: spans, suppression comments, sphere
builders and the file itself.

The grammar's callbacks (:mod:`.transform`) and the line fast path
(:mod:`.fastpath`) share these, so a file means the same whichever parser
read it. The file name for spans comes from a context variable set around
each parse, so one cached parser serves every thread.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterable, Sequence
from typing import Any

from lark import Token

from ..diagnostics import Span
from . import ast, lexed
from .deferred import DeferredMembers

CURRENT_FILE: contextvars.ContextVar[str] = contextvars.ContextVar("sphere_file", default="<string>")

# Suppression comments met by the lexer during the current parse; set by parser.py.
SUPPRESSIONS: contextvars.ContextVar[list[ast.Suppression]] = contextvars.ContextVar("sphere_suppressions")
# a second '//' may follow with a note ('// sphere: ignore[BAL004]  // funded next year'), as in ruff's noqa
_SUPPRESSION = re.compile(r"//\s*sphere:\s*ignore(?:\[([^\]]*)\])?\s*(?://.*)?$")


def collect_suppression(text: str, line: int, column: int) -> None:
    """Record ``text``, a comment starting at (line, column) of the current file,
    in :data:`SUPPRESSIONS` if it is a ``// sphere: ignore[...]`` comment.

    Both parsers call it for every comment they meet: the grammar through
    :func:`collect_comment`, the fast path with the comment it matched.
    """
    if "sphere:" in text:
        match = _SUPPRESSION.search(text)
        sink = SUPPRESSIONS.get(None)
        if match and sink is not None:
            codes = tuple(c.strip().upper() for c in (match.group(1) or "").split(",") if c.strip())
            sink.append(ast.Suppression(codes, Span(CURRENT_FILE.get(), line, column, line, column + len(text))))


def collect_comment(tok: Token) -> Token:
    """Lexer callback for COMMENT: keep ``// sphere: ignore[...]`` comments."""
    collect_suppression(tok.value, *lexed.start(tok))
    return tok


class SyntaxProblem(Exception):
    """A structural error found after a successful reduction (reported as SPH001)."""

    def __init__(self, message: str, span: Span, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint


def tok_span(tok: Token) -> Span:
    return Span(CURRENT_FILE.get(), *lexed.start(tok), *lexed.end(tok))


def span_over(items: Sequence[Any]) -> Span:
    """From the first present item to the last (optional parts may be None)."""
    first = next(i for i in items if i is not None)
    last = next(i for i in reversed(items) if i is not None)
    if isinstance(first, Token):
        line, column = lexed.start(first)
    else:
        line, column = first.span.line, first.span.column
    if isinstance(last, Token):
        end_line, end_column = lexed.end(last)
    else:
        end_line, end_column = last.span.end_line, last.span.end_column
    return Span(CURRENT_FILE.get(), line, column, end_line, end_column)


def unescape(raw: str) -> str:
    """The value of a STRING token (quotes included in ``raw``)."""
    body = raw[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class SphereBuilder:
    """A sphere as its block is read: the header's parts, and ``body``, the
    members and nested :class:`SphereBuilder` objects in source order (a list
    the caller may keep appending to until the block closes).

    Both parsers build these, the grammar's callbacks and the fast path alike;
    :func:`build_file` turns the top-level ones into the file's pre-order
    :class:`~spherelang.syntax.ast.SphereDecl` tuple without recursion.
    ``span`` covers the header, from ``sphere`` to the last part before ``{``.
    """

    __slots__ = ("name", "layer", "title", "within", "body", "span")

    def __init__(self, name: ast.Name, layer: ast.Name, title: str | None, within: ast.Path | None,
                 body: list[Any], span: Span) -> None:
        self.name, self.layer, self.title, self.within, self.body, self.span = (
            name, layer, title, within, body, span)


def flatten_spheres(top: Iterable[SphereBuilder]) -> tuple[ast.SphereDecl, ...]:
    """Pre-order flattening of sphere builders (see :func:`ast.preorder`)."""
    order = ast.preorder(top, lambda b: [m for m in b.body if isinstance(m, SphereBuilder)])
    return tuple(
        ast.SphereDecl(
            name=b.name,
            layer=b.layer,
            title=b.title,
            within=b.within,
            members=_members(b.body),
            span=b.span,
            parent=parent,
            children=tuple(kids),
            depth=depth,
        )
        for b, parent, depth, kids in order
    )


def _members(body: list[Any]) -> Sequence[Any]:
    """The block's members: a tuple of nodes, or the fast path's one
    :class:`~spherelang.syntax.deferred.DeferredMembers` (built when read)."""
    members = [m for m in body if not isinstance(m, SphereBuilder)]
    if len(members) == 1 and isinstance(members[0], DeferredMembers):
        return members[0]
    return tuple(members)


def build_file(path: str, items: list[Any], spheres: Iterable[SphereBuilder]) -> ast.File:
    """The file from its top-level items in order (the parser's and the fast
    path's alike); a misplaced or repeated ``model`` is a :class:`SyntaxProblem`."""
    models = [i for i in items if isinstance(i, ast.ModelStmt)]
    if models:
        if items[0] is not models[0]:
            raise SyntaxProblem("'model' must be the first statement of a file", models[0].span,
                                "move the 'model' line to the top")
        if len(models) > 1:
            raise SyntaxProblem("a file holds at most one 'model' statement", models[1].span,
                                "keep one 'model' line")
    flat = flatten_spheres(spheres)
    for nested in flat:
        if nested.parent is not None and nested.within is not None:
            raise SyntaxProblem(f"'within' attaches a top-level sphere; '{nested.name.text}' is already inside "
                                f"'{flat[nested.parent].name.text}'", nested.within.span,
                                "remove 'within', or move the sphere out of the block to the top level")
    return ast.File(
        path=path,
        model=models[0] if models else None,
        imports=tuple(i for i in items if isinstance(i, ast.ImportStmt)),
        layers=tuple(i for i in items if isinstance(i, ast.LayersStmt)),
        spheres=flat,
        rules=tuple(i for i in items if isinstance(i, ast.RuleDecl)),
        scenarios=tuple(i for i in items if isinstance(i, ast.ScenarioDecl)),
        suppressions=tuple(SUPPRESSIONS.get([])),
    )
