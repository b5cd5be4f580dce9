"""The token stream of a file, comments included, as the parser sees it.

The formatter needs what the AST throws away: comments, newlines, ``;`` and
the exact spelling of every token. It gets them from a second Lark parser
built from the shipped grammar with the project's own post-lexer (so keywords
are retyped and newlines inside ``()``/``[]`` are dropped exactly as when
parsing), a tap that records every token the parser consumes, and a lexer
callback that records the ignored ``COMMENT`` tokens.

The text is always parsed by :func:`spherelang.syntax.parser.parse_text`
first; this module is only called on text known to be valid.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import Iterator

from lark import Lark, Token, Transformer, Tree

from ..syntax import lexed, tables
from ..syntax.parser import PostLexer

_SINK: contextvars.ContextVar[list[Token]] = contextvars.ContextVar("sphere_fmt_tokens")


class _Tap:
    """Wraps the parser's post-lexer and records what it lets through."""

    always_accept = PostLexer.always_accept

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        sink = _SINK.get()
        for tok in PostLexer().process(stream):
            sink.append(tok)
            yield tok


def _on_comment(tok: Token) -> Token:
    _SINK.get().append(tok)
    return tok


class _Discard(Transformer[Token, Tree[Token]]):
    """Builds nothing: only the token stream is wanted. (An empty tree, not
    None: Lark splices the children of inlined ``_rules`` into their parent.)"""

    def __default__(self, data: str, children: list[object], meta: object) -> Tree[Token]:
        return Tree(data, [])


@functools.cache
def _lexing_parser() -> Lark:
    return tables.build(postlex=_Tap(), transformer=_Discard(), lexer_callbacks={"COMMENT": _on_comment})


_lock = threading.Lock()


def _parser() -> Lark:
    with _lock:
        return _lexing_parser()


def tokens(text: str) -> list[Token]:
    """Every token of ``text`` (already prepared: no BOM, LF newlines) in source
    order: the parser's tokens with keywords retyped, ``_NL`` only where a
    newline ends a statement (not inside ``()``/``[]``), ``_SEMI``, and the
    ``COMMENT`` tokens. The end-of-file token is not included."""
    sink: list[Token] = []
    reset = _SINK.set(sink)
    try:
        _parser().parse(text, start="start")
    finally:
        _SINK.reset(reset)
    sink.sort(key=lexed.start_pos)  # already ordered; sort is stable and cheap
    return [t for t in sink if t.type != "$END"]
