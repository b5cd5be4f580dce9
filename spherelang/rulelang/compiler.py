"""From an expression arena to a :class:`~.machine.Program`, with static checks.

The arena is walked with an explicit work list (never recursion), emitting
instructions as it goes and keeping, beside them, a stack of the static types
of the values the code will leave on the machine's stack. Those types are what
lets the compiler reject, before anything runs, an unknown attribute of a
sphere, ``s.name < 3`` or ``abs(x for x in xs)``.

A static type is a kind and, for lists, the kind of their elements (one level
only, so types never nest however deep the lists do). Kind ``any`` means
"decided at run time"; ``null`` is not tracked apart, since any operation
invalid for a kind is invalid for null too.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from ..diagnostics import Span
from ..expression import Expr, ExprNode
from ..model import Rule
from .builtins import BUILTINS
from .errors import RuleCompileError, StaticError
from .machine import (
    BINARY,
    JUMPS,
    LOOPS,
    Op,
    BinaryOp,
    Program,
    attribute_arg,
    op_append,
    op_build_list,
    op_call,
    op_collection,
    op_const,
    op_for_collect,
    op_for_scan,
    op_getattr,
    op_getattr_dynamic,
    op_iter,
    op_jump,
    op_jump_if_false_or_pop,
    op_jump_if_true_or_pop,
    op_load,
    op_load_getattr,
    op_negate,
    op_check_bool,
    op_not,
    op_pop,
    op_pop_jump_if_false,
    op_pop_jump_if_true,
)
from .schema import ALL_ATTRIBUTE_NAMES, ATTRIBUTES, COLLECTIONS
from .values import ENTITY_CLASSES, a_kind


@attrs.frozen
class Ty:
    kind: str          # number string boolean null list any, or an entity kind
    elem: str = "any"  # for lists: the kind of the elements


ANY = Ty("any")
NUMBER = Ty("number")
STRING = Ty("string")
BOOLEAN = Ty("boolean")


def _element(ty: Ty) -> Ty:
    """The type of the elements of a value of type ``ty`` when it is looped over."""
    return Ty(ty.elem) if ty.kind == "list" else ANY


def _union(a: Ty, b: Ty) -> Ty:
    if a == b:
        return a
    if a.kind == "list" and b.kind == "list":
        return Ty("list", a.elem if a.elem == b.elem else "any")
    return ANY


def _known(ty: Ty) -> bool:
    return ty.kind != "any"


@attrs.frozen(eq=False)
class CompiledRule:
    """A rule ready to run over its collection."""

    code: str
    summary: str
    collection: str
    var: str
    where: Program | None
    require: Program
    message: tuple[str | Program, ...] | None
    n_slots: int
    span: Span


# ---------------------------------------------------------------- scopes and assembly


class _Scope:
    """Visible variables: the bound ones (slot 0, ...) and comprehension
    variables, each in the slot of its nesting depth. Shadowing stacks."""

    def __init__(self, bound: Sequence[tuple[str, Ty]]) -> None:
        self._names: dict[str, list[tuple[int, Ty]]] = {}
        for slot, (name, ty) in enumerate(bound):
            self._names.setdefault(name, []).append((slot, ty))
        self._next = len(bound)
        self.n_slots = max(1, len(bound))

    def lookup(self, name: str) -> tuple[int, Ty] | None:
        found = self._names.get(name)
        return found[-1] if found else None

    def push(self, name: str, ty: Ty) -> int:
        slot = self._next
        self._next += 1
        self.n_slots = max(self.n_slots, self._next)
        self._names.setdefault(name, []).append((slot, ty))
        return slot

    def pop(self, name: str) -> None:
        self._next -= 1
        shadowed = self._names[name]
        shadowed.pop()
        if not shadowed:
            del self._names[name]

    def visible(self) -> list[str]:
        return sorted(self._names)


class _Assembler:
    """Emits instructions; jump targets are labels until :meth:`finish`."""

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self.args: list[Any] = []
        self.spans: list[Span] = []
        self._labels: list[int] = []
        self._targets: set[int] = set()

    def label(self) -> int:
        self._labels.append(-1)
        return len(self._labels) - 1

    def mark(self, label: int) -> None:
        self._labels[label] = len(self.ops)
        self._targets.add(len(self.ops))

    def emit(self, op: Op, arg: Any, span: Span) -> int:
        self.ops.append(op)
        self.args.append(arg)
        self.spans.append(span)
        return len(self.ops) - 1

    def _last_is(self, op: Op) -> bool:
        """The last instruction is ``op`` and nothing jumps to it or past it,
        so it can be fused with the next one."""
        n = len(self.ops)
        return n > 0 and self.ops[-1] is op and n not in self._targets and n - 1 not in self._targets

    def emit_getattr(self, arg: tuple[type, Any, str], span: Span) -> None:
        if self._last_is(op_load):  # ``s.layer``: one instruction instead of two
            self.ops[-1] = op_load_getattr
            self.args[-1] = (self.args[-1], *arg)
            self.spans[-1] = span
        else:
            self.emit(op_getattr, arg, span)

    def emit_binary(self, binary: BinaryOp, span: Span) -> None:
        if binary.const_op is not None and self._last_is(op_const):
            self.ops[-1] = binary.const_op  # ``x >= 2``: the constant becomes the argument
            self.spans[-1] = span
        else:
            self.emit(binary.op, binary.arg, span)

    def finish(self) -> Program:
        args = list(self.args)
        for i, op in enumerate(self.ops):
            if op in JUMPS:
                args[i] = self._labels[args[i]]
            elif op in LOOPS:
                slot, label, cost = args[i]
                args[i] = (slot, self._labels[label], cost)
        return Program(tuple(self.ops), tuple(args), tuple(self.spans))


@attrs.define
class _Loop:
    """A comprehension being compiled (``mode``: list, any or all)."""

    node: ExprNode
    mode: str
    slot: int = 0
    top: int = 0
    end: int = 0
    head: int = 0
    nested: int = 0   # instructions of loops inside this one's body (they charge for themselves)


def _did_you_mean(name: str, options: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f"did you mean '{close[0]}'?" if close else None


# ---------------------------------------------------------------- expressions


class _ExprCompiler:
    def __init__(self, expr: Expr, scope: _Scope) -> None:
        self.nodes = expr.nodes
        self.scope = scope
        self.asm = _Assembler()
        self.types: list[Ty] = []
        self.work: list[tuple[Callable[[Any], None], Any]] = []
        self.loops: list[_Loop] = []  # the comprehensions being compiled, innermost last
        self.seen = bytearray(len(self.nodes))

    def build(self) -> tuple[Program, Ty]:
        if not self.nodes:
            raise ValueError("an expression has at least one node")
        self.work.append((self._visit, len(self.nodes) - 1))
        while self.work:
            step, payload = self.work.pop()
            step(payload)
        return self.asm.finish(), self.types.pop()

    def _then(self, *steps: tuple[Callable[[Any], None], Any]) -> None:
        """Queue ``steps`` to run next, in the order given."""
        self.work.extend(reversed(steps))

    def _push(self, ty: Ty) -> None:
        self.types.append(ty)

    # ------------------------------------------------------------ dispatch

    def _visit(self, index: int) -> None:
        node = self.nodes[index]
        # Children precede parents and each node has one parent: a hand-built
        # arena that shares nodes could otherwise take exponential time.
        if self.seen[index] or any(not 0 <= c < index for c in node.children):
            raise StaticError("malformed expression", node.span)
        self.seen[index] = 1
        handler = self._HANDLERS.get(node.kind)
        if handler is None:
            raise StaticError(f"unsupported expression '{node.kind}'", node.span)
        handler(self, node)

    def _number(self, node: ExprNode) -> None:
        value = float(node.value)  # type: ignore[arg-type]
        if not math.isfinite(value):
            raise StaticError("number too large", node.span)
        self.asm.emit(op_const, value, node.span)
        self._push(NUMBER)

    def _string(self, node: ExprNode) -> None:
        self.asm.emit(op_const, str(node.value), node.span)
        self._push(STRING)

    def _constant(self, node: ExprNode) -> None:
        if not (node.value is True or node.value is False or node.value is None):
            raise StaticError(f"unknown constant {node.value!r}", node.span)
        self.asm.emit(op_const, node.value, node.span)
        self._push(Ty("null") if node.value is None else BOOLEAN)

    def _name(self, node: ExprNode) -> None:
        name = str(node.value)
        found = self.scope.lookup(name)
        if found is not None:
            slot, ty = found
            self.asm.emit(op_load, slot, node.span)
            self._push(ty)
        elif name in COLLECTIONS:
            self.asm.emit(op_collection, name, node.span)
            self._push(Ty("list", COLLECTIONS[name]))
        else:
            raise StaticError(f"unknown name '{name}'", node.span, self._name_hint(name))

    def _name_hint(self, name: str) -> str:
        if name in BUILTINS:
            return f"'{name}' is a function: call it, as in '{name}(...)'"
        names = self.scope.visible() + list(COLLECTIONS)
        return _did_you_mean(name, names) or "the names here are " + ", ".join(names)

    def _attribute(self, node: ExprNode) -> None:
        self._then((self._visit, node.children[0]), (self._finish_attribute, node))

    def _unary(self, node: ExprNode) -> None:
        if node.value not in ("not", "-"):
            raise StaticError(f"unknown operator '{node.value}'", node.span)
        self._then((self._visit, node.children[0]), (self._finish_unary, node))

    def _binary(self, node: ExprNode) -> None:
        left, right = node.children
        if node.value in ("and", "or"):
            end = self.asm.label()
            jump = op_jump_if_false_or_pop if node.value == "and" else op_jump_if_true_or_pop
            self._then((self._visit, left), (self._emit_jump, (jump, end, node.span)),
                       (self._visit, right), (self._emit_check, node.span), (self._finish_logic, end))
        elif node.value in BINARY:
            self._then((self._visit, left), (self._visit, right), (self._finish_binary, node))
        else:
            raise StaticError(f"unknown operator '{node.value}'", node.span)

    def _call(self, node: ExprNode) -> None:
        name = str(node.value)
        builtin = BUILTINS.get(name)
        if builtin is None:
            raise StaticError(f"unknown function '{name}'", node.span,
                              _did_you_mean(name, BUILTINS) or "the functions are " + ", ".join(BUILTINS))
        n = len(node.children)
        if n < builtin.min_args or (builtin.max_args is not None and n > builtin.max_args):
            raise StaticError(f"{name}() takes {builtin.arity_text()} ({n} given)", node.span)
        gens = [c for c in node.children if self.nodes[c].kind == "gen"]
        if not gens:
            self._then(*((self._visit, c) for c in node.children), (self._finish_call, (node, False)))
            return
        if not builtin.aggregate:
            raise StaticError(f"{name}() does not take a generator", node.span,
                              "generators go to count, sum, min, max, any, all or len")
        if n != 1:
            raise StaticError("a generator must be the only argument", self.nodes[gens[0]].span)
        scan = name in ("any", "all")  # these stop at the first deciding element
        self._then(*self._loop(self.nodes[gens[0]], name if scan else "list"),
                   (self._finish_call, (node, scan)))

    def _list(self, node: ExprNode) -> None:
        self._then(*((self._visit, c) for c in node.children), (self._finish_list, node))

    def _listcomp(self, node: ExprNode) -> None:
        self._then(*self._loop(node, "list"))

    def _gen(self, node: ExprNode) -> None:
        raise StaticError("a generator must be the only argument of a built-in", node.span)

    _HANDLERS: Mapping[str, Callable[[_ExprCompiler, ExprNode], None]] = {
        "number": _number,
        "string": _string,
        "constant": _constant,
        "name": _name,
        "attribute": _attribute,
        "unary": _unary,
        "binary": _binary,
        "call": _call,
        "list": _list,
        "listcomp": _listcomp,
        "gen": _gen,
    }

    # ------------------------------------------------------------ comprehensions

    def _loop(self, node: ExprNode, mode: str) -> list[tuple[Callable[[Any], None], Any]]:
        """The steps of ``[element for var in iterable if condition]``: the
        iterable is compiled in the enclosing scope, the rest with ``var`` visible."""
        if len(node.children) not in (2, 3):
            raise StaticError("malformed comprehension", node.span)
        loop = _Loop(node, mode)
        iterable, element, *condition = node.children
        steps: list[tuple[Callable[[Any], None], Any]] = [(self._visit, iterable), (self._loop_begin, loop)]
        if condition:
            steps += [(self._visit, condition[0]), (self._loop_filter, loop)]
        steps += [(self._visit, element), (self._loop_end, loop)]
        return steps

    def _loop_begin(self, loop: _Loop) -> None:
        iterable = self.types.pop()
        span = loop.node.span
        if iterable.kind not in ("list", "any"):
            raise StaticError(f"cannot loop over {a_kind(iterable.kind)}", self.nodes[loop.node.children[0]].span)
        loop.slot = self.scope.push(str(loop.node.value), _element(iterable))
        self.asm.emit(op_iter, loop.mode == "list", span)
        loop.top, loop.end = self.asm.label(), self.asm.label()
        self.asm.mark(loop.top)
        head = op_for_collect if loop.mode == "list" else op_for_scan
        loop.head = self.asm.emit(head, (loop.slot, loop.end, 0), span)
        self.loops.append(loop)

    def _loop_filter(self, loop: _Loop) -> None:
        self.types.pop()
        self.asm.emit(op_pop_jump_if_false, loop.top, loop.node.span)

    def _loop_end(self, loop: _Loop) -> None:
        element = self.types.pop()
        asm, span = self.asm, loop.node.span
        if loop.mode == "list":
            asm.emit(op_append, None, span)
            back = asm.emit(op_jump, loop.top, span)
            asm.mark(loop.end)
            self._push(Ty("list", element.kind))
        else:
            found = loop.mode == "any"  # any: a true element decides; all: a false one
            back = asm.emit(op_pop_jump_if_false if found else op_pop_jump_if_true, loop.top, span)
            done = asm.label()
            asm.emit(op_pop, None, span)
            asm.emit(op_const, found, span)
            asm.emit(op_jump, done, span)
            asm.mark(loop.end)
            asm.emit(op_const, not found, span)
            asm.mark(done)
            self._push(BOOLEAN)
        # An iteration costs the instructions of the head and body, except those
        # of inner loops, which charge per iteration of their own.
        extent = back - loop.head + 1
        asm.args[loop.head] = (loop.slot, loop.end, max(1, extent - loop.nested))
        self.loops.pop()
        if self.loops:
            self.loops[-1].nested += extent
        self.scope.pop(str(loop.node.value))

    # ------------------------------------------------------------ finishing steps

    def _emit_jump(self, payload: tuple[Op, int, Span]) -> None:
        op, label, span = payload
        self.asm.emit(op, label, span)

    def _emit_check(self, span: Span) -> None:
        self.asm.emit(op_check_bool, None, span)

    def _finish_logic(self, end: int) -> None:
        self.asm.mark(end)
        self.types.pop(), self.types.pop()
        self._push(BOOLEAN)  # both operands must be true or false (checked as they are taken)

    def _finish_attribute(self, node: ExprNode) -> None:
        obj = self.types.pop()
        name = str(node.value)
        table = ATTRIBUTES.get(obj.kind)
        if table is not None:
            attribute = table.get(name)
            if attribute is None:
                raise StaticError(f"{a_kind(obj.kind)} has no attribute '{name}'", node.span,
                                  _did_you_mean(name, table) or f"{a_kind(obj.kind)} has " + ", ".join(table))
            self.asm.emit_getattr(attribute_arg(ENTITY_CLASSES[obj.kind], attribute), node.span)
            self._push(Ty(attribute.kind, attribute.elem))
        elif obj.kind == "any":
            if name not in ALL_ATTRIBUTE_NAMES:
                raise StaticError(f"no model object has an attribute '{name}'", node.span,
                                  _did_you_mean(name, ALL_ATTRIBUTE_NAMES))
            self.asm.emit(op_getattr_dynamic, name, node.span)
            self._push(ANY)
        elif obj.kind == "null":
            raise StaticError(f"cannot read attribute '{name}' of null", node.span)
        else:
            raise StaticError(f"{a_kind(obj.kind)} has no attribute '{name}'", node.span,
                              "only spheres and their members have attributes")

    def _finish_unary(self, node: ExprNode) -> None:
        operand = self.types.pop()
        if node.value == "not":
            self.asm.emit(op_not, None, node.span)
            self._push(BOOLEAN)
            return
        if operand.kind not in ("number", "any"):
            raise StaticError(f"cannot negate {a_kind(operand.kind)}", node.span)
        self.asm.emit(op_negate, None, node.span)
        self._push(NUMBER)

    def _finish_binary(self, node: ExprNode) -> None:
        right, left = self.types.pop(), self.types.pop()
        op = str(node.value)
        problem = _binary_problem(op, left, right)
        if problem is None and op == "/" and self._is_zero(node.children[1]):
            problem = "division by zero"
        if problem is not None:
            raise StaticError(problem, node.span)
        self.asm.emit_binary(BINARY[op], node.span)
        self._push(_binary_type(op, left, right))

    def _is_zero(self, index: int) -> bool:
        node = self.nodes[index]
        return node.kind == "number" and node.value == 0

    def _finish_list(self, node: ExprNode) -> None:
        n = len(node.children)
        items = self.types[len(self.types) - n:] if n else []
        del self.types[len(self.types) - n:]
        kinds = {t.kind for t in items}
        self.asm.emit(op_build_list, n, node.span)
        self._push(Ty("list", kinds.pop() if len(kinds) == 1 else "any"))

    def _finish_call(self, payload: tuple[ExprNode, bool]) -> None:
        node, scanned = payload
        name = str(node.value)
        if scanned:  # any/all over a generator: the loop already left the answer
            return
        n = len(node.children)
        args = self.types[len(self.types) - n:]
        del self.types[len(self.types) - n:]
        problem = _call_problem(name, args)
        if problem is not None:
            raise StaticError(problem, node.span)
        self.asm.emit(op_call, (BUILTINS[name].call, n), node.span)
        self._push(_call_type(name, args))


_ORDERED = ("number", "string")
_ADDABLE = ("number", "string", "list")


def _binary_problem(op: str, left: Ty, right: Ty) -> str | None:
    """Why ``left op right`` must fail whatever the values, or None."""
    a, b = left.kind, right.kind
    both = _known(left) and _known(right)
    if op in ("<", "<=", ">", ">="):
        if any(_known(t) and t.kind not in _ORDERED for t in (left, right)) or (both and a != b):
            return f"cannot compare {a_kind(a)} with {a_kind(b)}"
    elif op == "+":
        if any(_known(t) and t.kind not in _ADDABLE for t in (left, right)) or (both and a != b):
            return f"cannot add {a_kind(a)} and {a_kind(b)}"
    elif op in ("-", "*", "/"):
        if any(_known(t) and t.kind != "number" for t in (left, right)):
            verb = {"-": "subtract", "*": "multiply", "/": "divide"}[op]
            return f"cannot {verb} {a_kind(a)} and {a_kind(b)}"
    elif op in ("in", "not in"):
        if _known(right) and b not in ("list", "string"):
            return f"'{op}' needs a list or a string on its right, got {a_kind(b)}"
        if b == "string" and _known(left) and a != "string":
            return f"cannot look for {a_kind(a)} in a string"
    return None


def _binary_type(op: str, left: Ty, right: Ty) -> Ty:
    if op in ("-", "*", "/"):
        return NUMBER
    if op != "+":
        return BOOLEAN
    kind = left.kind if _known(left) else right.kind
    if kind == "list":
        return _union(left, right) if _known(left) and _known(right) else Ty("list")
    return Ty(kind)


def _call_problem(name: str, args: list[Ty]) -> str | None:
    kinds = [t.kind for t in args]
    if name in ("count", "sum", "any", "all") or (name in ("min", "max") and len(args) == 1):
        if kinds[0] not in ("list", "any"):
            return f"{name}() needs a list, got {a_kind(kinds[0])}"
    elif name in ("min", "max"):
        known = [k for k in kinds if k != "any"]
        odd = [k for k in known if k not in _ORDERED or k != known[0]]
        if odd:
            return f"{name}() cannot compare {a_kind(known[0])} with {a_kind(odd[0])}"
    elif name == "len" and kinds[0] not in ("list", "string", "any"):
        return f"len() needs a list or a string, got {a_kind(kinds[0])}"
    elif name == "abs" and kinds[0] not in ("number", "any"):
        return f"abs() needs a number, got {a_kind(kinds[0])}"
    return None


def _call_type(name: str, args: list[Ty]) -> Ty:
    if name in ("any", "all"):
        return BOOLEAN
    if name in ("min", "max"):
        if len(args) == 1:
            return Ty(args[0].elem) if args[0].kind == "list" else ANY
        result = args[0]
        for ty in args[1:]:
            result = _union(result, ty)
        return result
    return NUMBER


# ---------------------------------------------------------------- rules


def compile_expression(expr: Expr, bound: Sequence[tuple[str, str]] = ()) -> tuple[Program, int]:
    """Compile one expression with variables ``bound`` as (name, kind) in slots
    0, 1, ...; returns the program and the number of slots it needs.
    Raises :class:`StaticError` at the offending node."""
    scope = _Scope([(name, Ty(kind)) for name, kind in bound])
    program, _ = _ExprCompiler(expr, scope).build()
    return program, scope.n_slots


def compile_rule(rule: Rule) -> CompiledRule:
    """Compile a rule once; raises :class:`RuleCompileError` (RUL001) at the rule."""
    code = rule.code
    try:
        collection = rule.collection
        kind = COLLECTIONS.get(collection)
        if kind is None:
            raise StaticError(f"unknown collection '{collection}'", rule.collection_span,
                              _did_you_mean(collection, COLLECTIONS)
                              or "the collections are " + ", ".join(COLLECTIONS))
        scope = _Scope([(rule.var, Ty(kind))])
        where = None if rule.where is None else _ExprCompiler(rule.where, scope).build()[0]
        require = _ExprCompiler(rule.require, scope).build()[0]
        message = None
        if rule.message is not None:
            message = tuple(part if isinstance(part, str) else _ExprCompiler(part, scope).build()[0]
                            for part in rule.message.parts)
    except StaticError as exc:
        raise RuleCompileError(f"rule '{code}': {exc.message}", rule.span, exc.hint, exc.span) from None
    return CompiledRule(
        code=code,
        summary=rule.summary,
        collection=collection,
        var=rule.var,
        where=where,
        require=require,
        message=message,
        n_slots=scope.n_slots,
        span=rule.span,
    )
