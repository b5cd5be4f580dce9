"""A light scan of a document's text that needs no parse: where blocks open
and close, and what surrounds the cursor. Completion works on text that is
being typed and seldom parses; document symbols need the closing braces the
syntax tree does not keep.

Only strings, comments, braces, parentheses and statement ends are
tokens, so the scan is one regular-expression pass.
"""

from __future__ import annotations

import re

import attrs

_TOKEN = re.compile(r'"(?:[^"\\\n\r]|\\.)*"?|//[^\n\r]*|[{};()\[\]\n\r]')
_NAME = r"[^\W\d]\w*"
_PATH = rf"{_NAME}(?:\s*\.\s*{_NAME})*"
_SPHERE_HEAD = re.compile(rf"^\s*sphere\s+({_NAME})\s*:(?:[^{{]*?\bwithin\s+({_PATH}))?")
_IN_HEAD = re.compile(rf"^\s*in\s+({_PATH})")


def braces(text: str) -> dict[int, int]:
    """The offset of each ``{`` and of the ``}`` that closes it (strings and
    comments skipped; an unclosed block closes at the end of the text)."""
    matched: dict[int, int] = {}
    open_at: list[int] = []
    for m in _TOKEN.finditer(text):
        ch = text[m.start()]
        if ch == "{":
            open_at.append(m.start())
        elif ch == "}" and open_at:
            matched[open_at.pop()] = m.start()
    for start in open_at:
        matched[start] = len(text)
    return matched


@attrs.frozen
class Block:
    """An open block around the cursor: ``kind`` is the header's first word
    (``sphere``, ``rule``, ``scenario``, ``in``), ``path`` the sphere it is
    about (for a sphere or an ``in`` block), ``start`` the offset after ``{``."""

    kind: str
    header: str
    path: str | None
    start: int


@attrs.frozen
class Cursor:
    """Where the cursor is: the open blocks (outermost first), the statement
    typed so far, the starts of the statements before it in the innermost
    block, and the comment or string the cursor is in, if any."""

    blocks: tuple[Block, ...]
    statement: str
    statement_start: int
    siblings: tuple[int, ...]
    comment: str | None = None
    in_string: bool = False

    @property
    def kind(self) -> str:
        return self.blocks[-1].kind if self.blocks else "top"

    @property
    def sphere(self) -> str | None:
        """The path of the innermost sphere (or ``in``) block, if any."""
        for block in reversed(self.blocks):
            if block.kind in ("sphere", "in"):
                return block.path
        return None


def cursor(text: str, offset: int) -> Cursor:
    """The surroundings of ``offset`` in ``text``."""
    blocks: list[Block] = []
    siblings: list[int] = []
    start = 0
    depth = 0  # of parentheses and brackets: a newline inside them does not end a statement
    for m in _TOKEN.finditer(text, 0, offset):
        token = m.group()
        ch = token[0]
        if ch == '"':
            if m.end() >= offset and (len(token) == 1 or not token.endswith('"') or token.endswith('\\"')):
                return Cursor(tuple(blocks), text[start:offset], start, tuple(siblings), in_string=True)
        elif ch == "/":
            if m.end() >= offset:
                return Cursor(tuple(blocks), text[start:m.start()], start, tuple(siblings), comment=token)
        elif ch == "{":
            blocks.append(_block(text[start:m.start()], m.end(), blocks))
            siblings, start, depth = [], m.end(), 0
        elif ch == "}":
            if blocks:
                blocks.pop()
            siblings, start, depth = [], m.end(), 0
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(depth - 1, 0)
        elif ch == ";" or depth == 0:
            if text[start:m.start()].strip():
                siblings.append(start)
            start = m.end()
    return Cursor(tuple(blocks), text[start:offset], start, tuple(siblings))


def _block(header: str, start: int, outer: list[Block]) -> Block:
    words = header.split()
    kind = words[0] if words else ""
    parent = next((b.path for b in reversed(outer) if b.kind in ("sphere", "in")), None)
    path = None
    if kind == "sphere":
        found = _SPHERE_HEAD.match(header)
        if found:
            name, within = found.group(1), found.group(2)
            base = parent if parent is not None else (re.sub(r"\s+", "", within) if within else None)
            path = f"{base}.{name}" if base else name
    elif kind == "in":
        found = _IN_HEAD.match(header)
        path = re.sub(r"\s+", "", found.group(1)) if found else None
    return Block(kind, header, path, start)
