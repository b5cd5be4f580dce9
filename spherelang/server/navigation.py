"""Go to definition, document symbols and workspace symbols."""

from __future__ import annotations

import glob
import os
from collections import Counter
from collections.abc import Iterable

from lsprotocol import types

from ..diagnostics import Span
from ..model import Model, Power, Resource, Sphere
from ..syntax import ast
from .diagnostics import location
from .documents import TextSource
from .locate import Found, Index, OnCode, OnImport, OnMember, OnSphere, member_of, target
from .positions import Lines
from .scan import braces

_GLOB = frozenset("*?[")
#: The most workspace symbols one query returns.
MOST_SYMBOLS = 500
#: The most symbols a document's outline holds (see :func:`document_symbols`).
MOST_OUTLINE = 5000


def definition(found: Found, model: Model, importer: str, source: TextSource) -> list[types.Location]:
    """Where what is under the cursor is declared."""
    if isinstance(found, OnImport):
        return [types.Location(source.snapshot.uri(path), types.Range(types.Position(0, 0), types.Position(0, 0)))
                for path in import_targets(found.stmt, importer, source)]
    if isinstance(found, OnCode):
        rule = next((r for r in model.rules if r.code == found.code), None)
        return [location(rule.span, source)] if rule is not None else []
    if isinstance(found, OnMember):
        member = member_of(model, found.sphere, found.decl)
        link = member.grant if isinstance(member, Power) else member.source if isinstance(member, Resource) else None
        if link is not None and link.ok and link.sphere is not None and link.name is not None:
            granted = model.spheres[link.sphere].member(link.name)  # an implicit grant leads to the granting member
            return [location(granted.span, source)] if granted is not None else []
        return [location(member.span, source)] if member is not None else []
    if isinstance(found, OnSphere):
        return [location(found.decl.span, source)]
    named = target(model, found)
    return [location(named.span, source)] if named is not None else []


def import_targets(stmt: ast.ImportStmt, importer: str, source: TextSource) -> list[str]:
    pattern = os.path.normpath(os.path.join(os.path.dirname(importer), stmt.target))
    if _GLOB & set(stmt.target):
        return sorted(os.path.abspath(p) for p in glob.glob(pattern, recursive=True) if os.path.isfile(p))
    return [pattern] if os.path.isfile(pattern) or pattern in source.snapshot.documents else []


# ---------------------------------------------------------------- document symbols

_KINDS = {
    "power": types.SymbolKind.Function,
    "responsibility": types.SymbolKind.Method,
    "resource": types.SymbolKind.Variable,
    "indicator": types.SymbolKind.Number,
    "channel": types.SymbolKind.Event,
    "capacity": types.SymbolKind.Constant,
}


def document_symbols(index: Index, lines: Lines) -> list[types.DocumentSymbol]:
    """The sphere tree with its members, then the rules and scenarios, in source order.

    An outline of more than :data:`MOST_OUTLINE` symbols helps no one and
    costs the editor seconds to receive: a larger file lists its spheres
    without their members, down to the deepest level that keeps within it.
    """
    tree = index.tree
    depth, members = outline_extent(tree)
    closing = braces(lines.text)
    made: dict[int, types.DocumentSymbol] = {}
    top: list[types.DocumentSymbol] = []
    for at, decl in enumerate(tree.spheres):  # pre-order: a parent's symbol is made before its children's
        if decl.depth > max(depth, 0) or (decl.parent is not None and decl.parent not in made):
            continue
        if decl.parent is None and depth < 0 and len(top) >= MOST_OUTLINE:
            continue
        symbol = made[at] = _sphere_symbol(decl, lines, closing, members)
        if decl.parent is None:
            top.append(symbol)
        else:
            siblings = made[decl.parent].children
            assert isinstance(siblings, list), "a sphere's symbol is made with a list of children"
            siblings.append(symbol)
    for symbol in made.values():
        symbol.children = sorted(symbol.children or [], key=lambda s: (s.range.start.line, s.range.start.character))
    for rule in tree.rules:
        top.append(_block_symbol(rule.code.text, types.SymbolKind.Interface, rule.span, rule.code.span, lines, closing,
                                 rule.summary))
    for scenario in tree.scenarios:
        top.append(_block_symbol(scenario.name.text, types.SymbolKind.Module, scenario.span, scenario.name.span, lines,
                                 closing, scenario.title))
    return sorted(top, key=lambda s: (s.range.start.line, s.range.start.character))


def outline_extent(tree: ast.File) -> tuple[int, bool]:
    """How deep the outline goes (-1: not even every root fits) and whether it lists members."""
    spheres: Counter[int] = Counter()
    members: Counter[int] = Counter()
    for decl in tree.spheres:
        spheres[decl.depth] += 1
        members[decl.depth] += len(decl.members)
    depth, total, inner = -1, 0, 0
    for level in sorted(spheres):
        if total + spheres[level] > MOST_OUTLINE:
            break
        depth, total, inner = level, total + spheres[level], inner + members[level]
    return depth, depth == max(spheres, default=-1) and total + inner <= MOST_OUTLINE


def _sphere_symbol(decl: ast.SphereDecl, lines: Lines, closing: dict[int, int], members: bool) -> types.DocumentSymbol:
    detail = decl.layer.text + (f" — {decl.title}" if decl.title else "")
    symbol = _block_symbol(decl.name.text, types.SymbolKind.Namespace, decl.span, decl.name.span, lines, closing,
                           detail)
    if members:
        symbol.children = [_member_symbol(m, lines) for m in decl.members if not isinstance(m, ast.AllowDecl)]
    return symbol


def _block_symbol(name: str, kind: types.SymbolKind, header: Span, name_span: Span, lines: Lines,
                  closing: dict[int, int], detail: str | None) -> types.DocumentSymbol:
    """A block's symbol: from its header to its closing brace."""
    after = lines.offset_at(header.end_line, header.end_column)
    brace = lines.text.find("{", after)
    end = lines.range(header).end
    if brace >= 0 and brace in closing:
        end = lines.position_at(min(closing[brace] + 1, len(lines.text)))
    whole = types.Range(lines.position(header.line, header.column), end)
    return types.DocumentSymbol(name=name or "?", kind=kind, range=whole, selection_range=lines.range(name_span),
                                detail=detail, children=[])


def _member_symbol(member: ast.Member, lines: Lines) -> types.DocumentSymbol:
    name = getattr(member, "name", None)
    whole = lines.range(member.span)
    return types.DocumentSymbol(
        name=name.text if name is not None else member.kind, kind=_KINDS.get(member.kind, types.SymbolKind.Field),
        range=whole, selection_range=lines.range(name.span) if name is not None else whole, detail=member.kind)


# ---------------------------------------------------------------- workspace symbols


def workspace_symbols(models: Iterable[Model], query: str, source: TextSource) -> list[types.SymbolInformation]:
    """Spheres whose path holds ``query`` (ignoring case), over the given models, each once."""
    wanted = query.casefold()
    seen: set[tuple[str, str, int]] = set()
    out: list[types.SymbolInformation] = []
    for model in models:
        for sphere in model.spheres:
            key = (sphere.path, sphere.span.file, sphere.span.line)
            if key in seen or wanted not in sphere.path.casefold():
                continue
            seen.add(key)
            out.append(_sphere_information(sphere, model, source))
            if len(out) >= MOST_SYMBOLS:
                return out
    return out


def _sphere_information(sphere: Sphere, model: Model, source: TextSource) -> types.SymbolInformation:
    parent = model.parent(sphere)
    return types.SymbolInformation(location=location(sphere.span, source), name=sphere.path,
                                   kind=types.SymbolKind.Namespace,
                                   container_name=parent.path if parent is not None else None)
