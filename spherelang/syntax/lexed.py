"""Where a lexed token is, as plain ``int``.

Lark types a :class:`~lark.Token`'s positions ``Optional``: a token made by
hand may have none. Every token our lexer makes has them all, so these read
them as ``int`` and fail loudly on a token that has none (a bug, never input).
"""

from __future__ import annotations

from lark import Token

_UNPLACED = "a token without a position (made by hand, not by the lexer)"


def line(tok: Token) -> int:
    value = tok.line
    assert value is not None, _UNPLACED
    return value


def column(tok: Token) -> int:
    value = tok.column
    assert value is not None, _UNPLACED
    return value


def end_line(tok: Token) -> int:
    value = tok.end_line
    assert value is not None, _UNPLACED
    return value


def end_column(tok: Token) -> int:
    value = tok.end_column
    assert value is not None, _UNPLACED
    return value


def start_pos(tok: Token) -> int:
    value = tok.start_pos
    assert value is not None, _UNPLACED
    return value


def start(tok: Token) -> tuple[int, int]:
    """(line, column) where the token starts."""
    return line(tok), column(tok)


def end(tok: Token) -> tuple[int, int]:
    """(line, column) just after the token."""
    return end_line(tok), end_column(tok)
