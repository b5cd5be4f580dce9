"""Grafting what the grammar parsed into the fast path's file: a top-level
rule or scenario block, or one line the fast path's patterns do not know.

Each piece is parsed alone (a line inside stand-in spheres for the blocks
around it) and every position in its AST moved to where the piece stands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from ..diagnostics import Span
from . import ast
from .building import SUPPRESSIONS, SphereBuilder
from .fastpath_lines import GiveUp

if TYPE_CHECKING:
    from .fastpath import _Builder, _Lexicon

BlockParser = Callable[[str], ast.File]


def grammar_block(block: list[str], first_line: int, parse_block: BlockParser) -> list[Any]:
    """A rule or scenario block parsed by the grammar, moved to its place in the file."""
    parsed = _parse_shifted("\n".join(block), first_line - 1, parse_block)
    if parsed.spheres or parsed.imports or parsed.layers or parsed.model or \
            len(parsed.rules) + len(parsed.scenarios) != 1:
        raise GiveUp
    return [*parsed.rules, *parsed.scenarios]


def grammar_line(raw: str, number: int, lexicon: _Lexicon, parse_block: BlockParser,
                  build: _Builder, top_items: list[Any]) -> None:
    """One line the patterns do not know (``;`` between statements, a whole
    sphere on one line, a header followed by members, ``} }``...), parsed by
    the grammar alone and grafted where it stands, so it costs that line.

    The line is wrapped in stand-in spheres for the blocks it closes and the
    block it sits in, and followed by the braces it leaves open; what the
    grammar makes of each stand-in goes to the real sphere it stands for, and
    the spheres the line leaves open become the innermost open blocks.
    """
    closes, balance = _braces(lexicon.strings_and_comments.sub("", raw), lexicon)
    depth = len(build.stack)
    if closes > depth:
        raise GiveUp  # more closing braces than open blocks: the grammar reports it
    stand_ins = closes + (1 if depth > closes else 0)
    source = f"sphere S : s {lexicon.lbrace}\n" * stand_ins + raw + "\n" + f"{lexicon.rbrace}\n" * (stand_ins + balance)
    parsed = _parse_shifted(source, number - 1 - stand_ins, parse_block)
    spheres = parsed.spheres
    if len(spheres) < stand_ins or any(spheres[j].parent != (j - 1 if j else None) for j in range(stand_ins)):
        raise GiveUp
    real = build.stack[depth - stand_ins:]
    at_file_level = stand_ins == closes  # no stand-in for a real block: the line's top level is the file's
    if not at_file_level and (parsed.model or parsed.imports or parsed.layers or parsed.rules or parsed.scenarios
                              or any(x.parent is None for x in spheres[1:])):
        raise GiveUp
    if parsed.model is not None:
        top_items.append(parsed.model)
    top_items.extend((*parsed.imports, *parsed.layers, *parsed.rules, *parsed.scenarios))
    builders: list[SphereBuilder] = [*real]
    for decl in spheres[stand_ins:]:
        made = SphereBuilder(decl.name, decl.layer, decl.title, decl.within, list(decl.members), decl.span)
        if decl.parent is None:
            build.top.append(made)
            top_items.append(None)
        else:
            builders[decl.parent].body.append(made)
        builders.append(made)
    for j in range(stand_ins):
        real[j].body.extend(spheres[j].members)
    closed = build.stack[depth - closes:]
    build.stack[depth - closes:] = _left_open(spheres, builders, stand_ins - closes - 1, closes + balance)
    for block in closed:
        build.compact(block)
    if len(build.stack) > build.max_depth:
        raise GiveUp


def _braces(code: str, lexicon: _Lexicon) -> tuple[int, int]:
    """How many enclosing blocks ``code`` closes, and its net count of braces."""
    if '"' in code or "(" in code or "[" in code:
        raise GiveUp  # an unterminated string, or brackets that may go on over lines
    balance = lowest = 0
    for char in code:
        if char == lexicon.lbrace:
            balance += 1
        elif char == lexicon.rbrace:
            balance -= 1
            lowest = min(lowest, balance)
    return -lowest, balance


def _left_open(spheres: tuple[ast.SphereDecl, ...], builders: list[SphereBuilder], parent: int,
               count: int) -> list[SphereBuilder]:
    """The ``count`` spheres a line opened and did not close: from ``parent``
    (``-1``: the file level), its last child sphere, that one's last child..."""
    chain: list[SphereBuilder] = []
    for _ in range(count):
        last = max((i for i, d in enumerate(spheres) if (d.parent if d.parent is not None else -1) == parent),
                   default=None)
        if last is None:
            raise GiveUp
        chain.append(builders[last])
        parent = last
    return chain


def _parse_shifted(source: str, delta: int, parse_block: BlockParser) -> ast.File:
    """``source`` parsed by the grammar, every position moved ``delta`` lines
    down (its suppression comments too)."""
    outer = SUPPRESSIONS.get(None)
    token = SUPPRESSIONS.set([])
    try:
        parsed = parse_block(source)
    except Exception:  # noqa: BLE001 - any problem: the whole file goes to the grammar, which reports it
        raise GiveUp from None
    finally:
        inner = SUPPRESSIONS.get([])
        SUPPRESSIONS.reset(token)
    if outer is not None:
        outer.extend(_shifted(s, delta) for s in inner)
    shifted: ast.File = _shifted(parsed, delta)
    return shifted


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
