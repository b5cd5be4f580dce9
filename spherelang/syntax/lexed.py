"""Where a lexed token is, as plain ``int``.

Lark types a :class:`~lark.Token`'s positions ``Optional``: a token made by
hand may have none. Every token our lexer makes has them all, so these read
them as ``int`` and fail loudly on a token that has none (a bug, never input).
"""

from __future__ import annotations

from lark import Token

_UNPLACED = "a token without a position (made by hand, not by the lexer)"


def _placed(value: int | None) -> int:
    assert value is not None, _UNPLACED
    return value


def line(tok: Token) -> int:
    return _placed(tok.line)


def column(tok: Token) -> int:
    return _placed(tok.column)


def end_line(tok: Token) -> int:
    return _placed(tok.end_line)


def end_column(tok: Token) -> int:
    return _placed(tok.end_column)


def start_pos(tok: Token) -> int:
    return _placed(tok.start_pos)


def start(tok: Token) -> tuple[int, int]:
    """(line, column) where the token starts."""
    return line(tok), column(tok)


def end(tok: Token) -> tuple[int, int]:
    """(line, column) just after the token."""
    return end_line(tok), end_column(tok)
