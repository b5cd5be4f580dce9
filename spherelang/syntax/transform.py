"""Lark callbacks that turn reductions into AST nodes, inline during parsing.

The transformer holds no state, so one cached parser serves every thread (the
shared pieces, spans and sphere builders, are in :mod:`.building`). Nested
spheres and expressions are first built as light builder objects and
flattened without recursion when their enclosing statement is reduced.
"""

from __future__ import annotations

import contextvars
import sys
from collections.abc import Callable, Iterable
from typing import Any

from lark import Token, Transformer

from ..diagnostics import Severity, Span
from . import ast, lexed
from .building import (
    CURRENT_FILE,
    SphereBuilder,
    SyntaxProblem,
    build_file,
    flatten_spheres,
    span_over,
    tok_span,
    unescape,
)
from .keywords import KEYWORDS

# A second parse of the text inside ``{...}`` of a message; set by parser.py.
ExprParser = Callable[[str, int, int], ast.Expr]
parse_embedded_expr: contextvars.ContextVar[ExprParser] = contextvars.ContextVar("sphere_expr_parser")


def _string(tok: Token | None) -> str | None:
    return None if tok is None else unescape(tok.value)


def _name(tok: Token) -> ast.Name:
    return ast.Name(sys.intern(tok.value), CURRENT_FILE.get(), *lexed.start(tok))


def _path_name(tok: Token) -> ast.Name:
    """A name in a PATH. The lexer lets a keyword through after a dot, for
    attributes in rule expressions (``p.sphere``); in a path it is no name."""
    if tok.value in KEYWORDS:
        raise SyntaxProblem(f"'{tok.value}' is a keyword, not a name", tok_span(tok),
                            "keywords cannot name spheres or members; rename it")
    return _name(tok)


class _E:
    """An expression under construction (nested); flattened by :func:`_flatten_expr`."""

    __slots__ = ("kind", "value", "children", "span")

    def __init__(self, kind: str, value: object, children: tuple[_E, ...], span: Span) -> None:
        self.kind, self.value, self.children, self.span = kind, value, children, span


def flatten_expr(root: _E) -> ast.Expr:
    """Post-order flattening: every child gets a smaller index than its parent."""
    nodes: list[ast.ExprNode] = []
    index_of: dict[int, int] = {}
    stack: list[tuple[_E, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            kids = tuple(index_of[id(c)] for c in node.children)
            index_of[id(node)] = len(nodes)
            nodes.append(ast.ExprNode(node.kind, node.value, kids, node.span))
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(node.children))
    return ast.Expr(tuple(nodes))


def built_expr(result: object) -> ast.Expr:
    """The expression a parse with ``start="expr"`` returned, flattened (Lark
    types the result of ``parse`` as a tree; these callbacks make it an :class:`_E`)."""
    assert isinstance(result, _E), "the parser was built without ToAst"
    return flatten_expr(result)


def _items(children: Iterable[Any]) -> list[Any]:
    return [c for c in children if c is not None and not isinstance(c, Token)]


class ToAst(Transformer[Token, ast.File]):
    """One method per grammar rule; each receives its (already built) children."""

    # ---------------------------------------------------------------- file

    def start(self, children: list[Any]) -> ast.File:
        items = _items(children)
        return build_file(CURRENT_FILE.get(), items, [i for i in items if isinstance(i, SphereBuilder)])

    def model_stmt(self, c: list[Any]) -> ast.ModelStmt:
        return ast.ModelStmt(unescape(c[1].value), span_over(c))

    def import_stmt(self, c: list[Any]) -> ast.ImportStmt:
        return ast.ImportStmt(unescape(c[1].value), span_over(c))

    def layers_stmt(self, c: list[Any]) -> ast.LayersStmt:
        names = tuple(_name(t) for t in c[1:] if t.type == "NAME")
        return ast.LayersStmt(names, span_over(c))

    # ---------------------------------------------------------------- spheres

    def sphere_decl(self, c: list[Any]) -> SphereBuilder:
        _kw, name, _colon, layer, title, _within, within, _lb, body, _rb = c
        header = span_over([_kw, name, layer, title, within])
        return SphereBuilder(_name(name), _name(layer), _string(title), within, body, header)

    def sphere_body(self, c: list[Any]) -> list[Any]:
        return _items(c)

    def power_decl(self, c: list[Any]) -> ast.PowerDecl:
        _kw, name, desc, _from, ref = c
        return ast.PowerDecl(_name(name), _string(desc), ref, span_over(c))

    def responsibility_decl(self, c: list[Any]) -> ast.ResponsibilityDecl:
        name, desc, shared = c[1], c[2], c[-1]
        reqs = tuple(x for x in c[3:-1] if isinstance(x, ast.Requirement))
        return ast.ResponsibilityDecl(_name(name), _string(desc), reqs, shared is not None, span_over(c))

    def requirement(self, c: list[Any]) -> ast.Requirement:
        return ast.Requirement(_name(c[0]), c[1])

    def resource_decl(self, c: list[Any]) -> ast.ResourceDecl:
        _kw, name, _eq, qty, _from, ref = c
        return ast.ResourceDecl(_name(name), qty, ref, span_over(c))

    def rank_indicator(self, c: list[Any]) -> ast.IndicatorDecl:
        _kw, name, _eq, value, se, _of, n, year, source, flag = c
        return ast.IndicatorDecl(_name(name), value, n, None, None, False, _string(source), span_over(c),
                                 se, year, flag is not None)

    def scale_indicator(self, c: list[Any]) -> ast.IndicatorDecl:
        _kw, name, _eq, value, se, _in, low, _dd, high, lib, year, source, flag = c
        return ast.IndicatorDecl(
            _name(name), value, None, low, high, lib is not None, _string(source), span_over(c),
            se, year, flag is not None)

    def capacity_decl(self, c: list[Any]) -> ast.CapacityDecl:
        _kw, value, se, flag = c
        return ast.CapacityDecl(value, span_over(c), se, flag is not None)

    def uncertainty(self, c: list[Any]) -> ast.Number:
        number: ast.Number = c[1]
        return number

    def year_clause(self, c: list[Any]) -> ast.Number:
        number: ast.Number = c[1]
        return number

    def channel_decl(self, c: list[Any]) -> ast.ChannelDecl:
        _kw, name, _st, strength, desc = c
        return ast.ChannelDecl(_name(name), strength, _string(desc), span_over(c))

    def allow_decl(self, c: list[Any]) -> ast.AllowDecl:
        return ast.AllowDecl(_name(c[1]), _string(c[2]), span_over(c))

    def quantity(self, c: list[Any]) -> ast.Quantity:
        number, unit = c
        return ast.Quantity(number, _name(unit) if unit is not None else None)

    def number(self, c: list[Any]) -> ast.Number:
        text = "".join(t.value for t in c)
        return ast.Number.at(float(text.replace("_", "")), text, span_over(c))

    def path(self, c: list[Any]) -> ast.Path:
        return ast.Path(tuple(_path_name(t) for t in c if t.type == "NAME"))

    def member_ref(self, c: list[Any]) -> ast.MemberRef:
        names = [t for t in c if t.type == "NAME"]
        return ast.MemberRef(ast.Path(tuple(_path_name(t) for t in names[:-1])), _path_name(names[-1]))

    # ---------------------------------------------------------------- rules

    def rule_decl(self, c: list[Any]) -> ast.RuleDecl:
        kw, code, summary, severity, _lb, clauses, rb = c
        span = span_over([kw, code, summary, severity])
        fors = [x for x in clauses if x[0] == "for"]
        wheres = [x for x in clauses if x[0] == "where"]
        requires = [x for x in clauses if x[0] == "require"]
        messages = [x for x in clauses if x[0] == "message"]
        if not fors or clauses[0][0] != "for":
            raise SyntaxProblem("a rule starts with 'for VAR in COLLECTION'",
                                clauses[0][-1] if clauses else tok_span(rb),
                                "write 'for s in spheres' as the rule's first line")
        for what, found in (("for", fors), ("where", wheres), ("require", requires), ("message", messages)):
            if len(found) > 1:
                raise SyntaxProblem(f"a rule has at most one '{what}' clause", found[1][-1])
        if not requires:
            raise SyntaxProblem("a rule needs a 'require' clause", tok_span(rb),
                                "add 'require EXPRESSION' before the closing brace")
        _, var, collection, inline_where, _ = fors[0]
        if inline_where is not None and wheres:
            raise SyntaxProblem("a rule has at most one 'where' clause", wheres[0][-1])
        where = inline_where if inline_where is not None else (wheres[0][1] if wheres else None)
        return ast.RuleDecl(
            code=_name(code),
            summary=unescape(summary.value),
            severity=Severity.parse(severity.value) if severity is not None else None,
            var=var,
            collection=collection,
            where=where,
            require=requires[0][1],
            message=messages[0][1] if messages else None,
            span=span,
        )

    def severity(self, c: list[Token]) -> Token:
        return c[0]

    def rule_body(self, c: list[Any]) -> list[Any]:
        return _items(c)

    def for_clause(self, c: list[Any]) -> tuple[Any, ...]:
        _kw, var, _in, coll, _where, cond = c
        return ("for", _name(var), _name(coll), flatten_expr(cond) if cond is not None else None, span_over(c))

    def where_clause(self, c: list[Any]) -> tuple[Any, ...]:
        return ("where", flatten_expr(c[1]), span_over(c))

    def require_clause(self, c: list[Any]) -> tuple[Any, ...]:
        return ("require", flatten_expr(c[1]), span_over(c))

    def message_clause(self, c: list[Any]) -> tuple[Any, ...]:
        return ("message", _message(c[1]), span_over(c))

    # ---------------------------------------------------------------- scenarios

    def scenario_decl(self, c: list[Any]) -> ast.ScenarioDecl:
        kw, name, title, _lb, changes, _rb = c
        return ast.ScenarioDecl(_name(name), _string(title), tuple(changes), span_over([kw, name, title]))

    def scenario_body(self, c: list[Any]) -> list[Any]:
        return _items(c)

    def scenario_in(self, c: list[Any]) -> ast.ScenarioIn:
        kw, path, _lb, body, _rb = c
        spheres = flatten_spheres(m for m in body if isinstance(m, SphereBuilder))
        members = tuple(m for m in body if not isinstance(m, SphereBuilder))
        return ast.ScenarioIn(path, members, spheres, span_over([kw, path]))

    def scenario_remove(self, c: list[Any]) -> ast.ScenarioRemove:
        return ast.ScenarioRemove(c[1], span_over(c))

    # ---------------------------------------------------------------- expressions

    def binary(self, c: list[Any]) -> _E:
        left, op, right = c
        return _E("binary", op.value, (left, right), left.span.to(right.span))

    def not_in(self, c: list[Any]) -> _E:
        left, _not, _in, right = c
        return _E("binary", "not in", (left, right), left.span.to(right.span))

    def unary(self, c: list[Any]) -> _E:
        op, operand = c
        return _E("unary", op.value, (operand,), tok_span(op).to(operand.span))

    def attribute(self, c: list[Any]) -> _E:
        obj, _dot, name = c
        return _E("attribute", name.value, (obj,), obj.span.to(tok_span(name)))

    def number_literal(self, c: list[Token]) -> _E:
        return _E("number", float(c[0].value.replace("_", "")), (), tok_span(c[0]))

    def string_literal(self, c: list[Token]) -> _E:
        return _E("string", unescape(c[0].value), (), tok_span(c[0]))

    def constant(self, c: list[Token]) -> _E:
        value = {"true": True, "false": False, "null": None}[c[0].value]
        return _E("constant", value, (), tok_span(c[0]))

    def name(self, c: list[Token]) -> _E:
        return _E("name", c[0].value, (), tok_span(c[0]))

    def group(self, c: list[Any]) -> _E:
        inner: _E = c[1]
        return inner

    def call(self, c: list[Any]) -> _E:
        fname, _lp, args, rp = c
        return _E("call", fname.value, tuple(args or ()), tok_span(fname).to(tok_span(rp)))

    def argument_list(self, c: list[Any]) -> list[_E]:
        return [x for x in c if isinstance(x, _E)]

    def generator_argument(self, c: list[Any]) -> list[_E]:
        element, (var, iterable, cond, span) = c
        kids = (iterable, element) + ((cond,) if cond is not None else ())
        return [_E("gen", var, kids, element.span.to(span))]

    def list_comp(self, c: list[Any]) -> _E:
        lb, element, (var, iterable, cond, _span), rb = c
        kids = (iterable, element) + ((cond,) if cond is not None else ())
        return _E("listcomp", var, kids, tok_span(lb).to(tok_span(rb)))

    def list_display(self, c: list[Any]) -> _E:
        items = tuple(x for x in c if isinstance(x, _E))
        return _E("list", None, items, tok_span(c[0]).to(tok_span(c[-1])))

    def comp_for(self, c: list[Any]) -> tuple[Any, ...]:
        _for, var, _in, iterable, _if, cond = c
        return (var.value, iterable, cond, span_over(c))


def _message(tok: Token) -> ast.Message:
    """Split a message template into text and ``{expression}`` parts."""
    raw = tok.value[1:-1]
    parts: list[str | ast.Expr] = []
    text: list[str] = []
    i = 0
    line, column = lexed.start(tok)
    base = column + 1  # column of the first character inside the quotes
    while i < len(raw):
        ch = raw[i]
        if ch in "{}" and raw[i + 1 : i + 2] == ch:
            text.append(ch)
            i += 2
        elif ch == "{":
            end = raw.find("}", i + 1)
            if end < 0 or not raw[i + 1 : end].strip():
                col = base + i
                raise SyntaxProblem(
                    "unclosed '{' in message" if end < 0 else "empty '{}' in message",
                    Span(CURRENT_FILE.get(), line, col, line, col + 1),
                    "write an expression between braces, or '{{' for a literal brace")
            if text:
                parts.append(unescape('"' + "".join(text) + '"'))
                text = []
            inner = raw[i + 1 : end].replace('\\"', '"').replace("\\\\", "\\")
            parts.append(parse_embedded_expr.get()(inner, line, base + i + 1))
            i = end + 1
        elif ch == "}":
            col = base + i
            raise SyntaxProblem("unmatched '}' in message", Span(CURRENT_FILE.get(), line, col, line, col + 1),
                                "write '}}' for a literal brace")
        else:
            if ch == "\\" and i + 1 < len(raw):
                text.append(raw[i : i + 2])
                i += 2
                continue
            text.append(ch)
            i += 1
    if text:
        parts.append(unescape('"' + "".join(text) + '"'))
    return ast.Message(tuple(parts), tok_span(tok))
