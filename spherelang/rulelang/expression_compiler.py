"""Compiling one rule expression, given as a flat arena, to a
:class:`~.machine.Program`, checking it statically on the way.

The arena is walked with an explicit work list (never recursion), emitting
instructions as it goes and keeping, beside them, a stack of the static types
(:mod:`.static_types`) of the values the code will leave on the machine's
stack. Those types are what lets the compiler reject, before anything runs,
an unknown attribute of a sphere, ``s.name < 3`` or ``abs(x for x in xs)``.

Each node of the arena is compiled by a handler for its kind, which either
emits code at once (a constant, a name) or queues steps: the node's children,
then a step that finishes the node once their code and types are there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..diagnostics import Span
from ..expression import Expr, ExprNode
from .assembler import Assembler
from .builtins import BUILTINS
from .errors import StaticError
from .hints import (
    unknown_any_attribute_hint,
    unknown_attribute_hint,
    unknown_function_hint,
    unknown_name_hint,
)
from .machine import (
    BINARY,
    Op,
    Program,
    attribute_arg,
    op_append,
    op_build_list,
    op_call,
    op_check_bool,
    op_collection,
    op_const,
    op_for_collect,
    op_for_scan,
    op_getattr_dynamic,
    op_iter,
    op_jump,
    op_jump_if_false_or_pop,
    op_jump_if_true_or_pop,
    op_load,
    op_negate,
    op_not,
    op_pop,
    op_pop_jump_if_false,
    op_pop_jump_if_true,
)
from .schema import ALL_ATTRIBUTE_NAMES, ATTRIBUTES, COLLECTIONS
from .scope import Scope
from .static_types import (
    ANY,
    BOOLEAN,
    NULL,
    NUMBER,
    STRING,
    Ty,
    binary_problem,
    binary_result_type,
    call_problem,
    call_result_type,
    element_type,
    list_literal_type,
)
from .values import ENTITY_CLASSES, a_kind

#: One step of the walk: a bound method and its argument.
Step = tuple[Callable[[Any], None], Any]


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


def compile_to_program(expr: Expr, scope: Scope) -> tuple[Program, Ty]:
    """The program computing ``expr`` with the variables of ``scope``, and the
    static type of its result. Comprehension variables are pushed on ``scope``
    and popped again, so its ``n_slots`` grows to what the program needs.
    Raises :class:`StaticError` at the offending node."""
    return ExpressionCompiler(expr, scope).build()


class ExpressionCompiler:
    """The state of compiling one expression: the work list, the assembler
    and the stack of static types."""

    def __init__(self, expr: Expr, scope: Scope) -> None:
        self.nodes = expr.nodes
        self.scope = scope
        self.asm = Assembler()
        self.types: list[Ty] = []
        self.work: list[Step] = []
        self.loops: list[_Loop] = []  # the comprehensions being compiled, innermost last
        self.seen = bytearray(len(self.nodes))

    def build(self) -> tuple[Program, Ty]:
        """Run the walk from the root (the last node) to the end."""
        if not self.nodes:
            raise ValueError("an expression has at least one node")
        self.work.append((self._compile_node, len(self.nodes) - 1))
        while self.work:
            step, payload = self.work.pop()
            step(payload)
        return self.asm.finish(), self.types.pop()

    def _queue_next(self, *steps: Step) -> None:
        """Queue ``steps`` to run next, in the order given."""
        self.work.extend(reversed(steps))

    def _push_type(self, ty: Ty) -> None:
        self.types.append(ty)

    def _pop_types(self, n: int) -> list[Ty]:
        """The types of the top ``n`` values, removed, deepest first."""
        items = self.types[len(self.types) - n:] if n else []
        del self.types[len(self.types) - n:]
        return items

    # ------------------------------------------------------------ one handler per node kind

    def _compile_node(self, index: int) -> None:
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

    def _compile_number(self, node: ExprNode) -> None:
        literal = node.value
        assert isinstance(literal, (float, int, str)), "a number node holds its value"
        value = float(literal)
        if not math.isfinite(value):
            raise StaticError("number too large", node.span)
        self.asm.emit(op_const, value, node.span)
        self._push_type(NUMBER)

    def _compile_string(self, node: ExprNode) -> None:
        self.asm.emit(op_const, str(node.value), node.span)
        self._push_type(STRING)

    def _compile_constant(self, node: ExprNode) -> None:
        if not (node.value is True or node.value is False or node.value is None):
            raise StaticError(f"unknown constant {node.value!r}", node.span)
        self.asm.emit(op_const, node.value, node.span)
        self._push_type(NULL if node.value is None else BOOLEAN)

    def _compile_name(self, node: ExprNode) -> None:
        name = str(node.value)
        found = self.scope.lookup(name)
        if found is not None:
            slot, ty = found
            self.asm.emit(op_load, slot, node.span)
            self._push_type(ty)
        elif name in COLLECTIONS:
            self.asm.emit(op_collection, name, node.span)
            self._push_type(Ty("list", COLLECTIONS[name]))
        else:
            raise StaticError(f"unknown name '{name}'", node.span, unknown_name_hint(name, self.scope.visible()))

    def _compile_attribute(self, node: ExprNode) -> None:
        self._queue_next((self._compile_node, node.children[0]), (self._finish_attribute, node))

    def _compile_unary(self, node: ExprNode) -> None:
        if node.value not in ("not", "-"):
            raise StaticError(f"unknown operator '{node.value}'", node.span)
        self._queue_next((self._compile_node, node.children[0]), (self._finish_unary, node))

    def _compile_binary(self, node: ExprNode) -> None:
        left, right = node.children
        if node.value in ("and", "or"):
            end = self.asm.label()
            jump = op_jump_if_false_or_pop if node.value == "and" else op_jump_if_true_or_pop
            self._queue_next((self._compile_node, left), (self._emit_jump, (jump, end, node.span)),
                             (self._compile_node, right), (self._emit_check_bool, node.span),
                             (self._finish_logic, end))
        elif node.value in BINARY:
            self._queue_next((self._compile_node, left), (self._compile_node, right), (self._finish_binary, node))
        else:
            raise StaticError(f"unknown operator '{node.value}'", node.span)

    def _compile_call(self, node: ExprNode) -> None:
        name = str(node.value)
        builtin = BUILTINS.get(name)
        if builtin is None:
            raise StaticError(f"unknown function '{name}'", node.span, unknown_function_hint(name))
        n = len(node.children)
        if n < builtin.min_args or (builtin.max_args is not None and n > builtin.max_args):
            raise StaticError(f"{name}() takes {builtin.arity_text()} ({n} given)", node.span)
        gens = [c for c in node.children if self.nodes[c].kind == "gen"]
        if not gens:
            self._queue_next(*((self._compile_node, c) for c in node.children), (self._finish_call, (node, False)))
            return
        if not builtin.aggregate:
            raise StaticError(f"{name}() does not take a generator", node.span,
                              "generators go to count, sum, min, max, any, all or len")
        if n != 1:
            raise StaticError("a generator must be the only argument", self.nodes[gens[0]].span)
        scan = name in ("any", "all")  # these stop at the first deciding element
        self._queue_next(*self._comprehension_steps(self.nodes[gens[0]], name if scan else "list"),
                         (self._finish_call, (node, scan)))

    def _compile_list(self, node: ExprNode) -> None:
        self._queue_next(*((self._compile_node, c) for c in node.children), (self._finish_list, node))

    def _compile_listcomp(self, node: ExprNode) -> None:
        self._queue_next(*self._comprehension_steps(node, "list"))

    def _reject_gen(self, node: ExprNode) -> None:
        raise StaticError("a generator must be the only argument of a built-in", node.span)

    _HANDLERS: Mapping[str, Callable[[ExpressionCompiler, ExprNode], None]] = {
        "number": _compile_number,
        "string": _compile_string,
        "constant": _compile_constant,
        "name": _compile_name,
        "attribute": _compile_attribute,
        "unary": _compile_unary,
        "binary": _compile_binary,
        "call": _compile_call,
        "list": _compile_list,
        "listcomp": _compile_listcomp,
        "gen": _reject_gen,
    }

    # ------------------------------------------------------------ comprehensions

    def _comprehension_steps(self, node: ExprNode, mode: str) -> list[Step]:
        """The steps of ``[element for var in iterable if condition]``: the
        iterable is compiled in the enclosing scope, the rest with ``var`` visible."""
        if len(node.children) not in (2, 3):
            raise StaticError("malformed comprehension", node.span)
        loop = _Loop(node, mode)
        iterable, element, *condition = node.children
        steps: list[Step] = [(self._compile_node, iterable), (self._begin_loop, loop)]
        if condition:
            steps += [(self._compile_node, condition[0]), (self._emit_loop_filter, loop)]
        steps += [(self._compile_node, element), (self._end_loop, loop)]
        return steps

    def _begin_loop(self, loop: _Loop) -> None:
        """After the iterable: bind the variable and emit the loop's head."""
        iterable = self.types.pop()
        span = loop.node.span
        if iterable.kind not in ("list", "any"):
            raise StaticError(f"cannot loop over {a_kind(iterable.kind)}", self.nodes[loop.node.children[0]].span)
        loop.slot = self.scope.push(str(loop.node.value), element_type(iterable))
        self.asm.emit(op_iter, loop.mode == "list", span)
        loop.top, loop.end = self.asm.label(), self.asm.label()
        self.asm.mark(loop.top)
        head = op_for_collect if loop.mode == "list" else op_for_scan
        loop.head = self.asm.emit(head, (loop.slot, loop.end, 0), span)
        self.loops.append(loop)

    def _emit_loop_filter(self, loop: _Loop) -> None:
        """After the condition: skip to the next element when it is false."""
        self.types.pop()
        self.asm.emit(op_pop_jump_if_false, loop.top, loop.node.span)

    def _end_loop(self, loop: _Loop) -> None:
        """After the element: collect it (list) or test it (any, all), close
        the loop, set the cost of one iteration and unbind the variable."""
        element = self.types.pop()
        asm, span = self.asm, loop.node.span
        if loop.mode == "list":
            asm.emit(op_append, None, span)
            back = asm.emit(op_jump, loop.top, span)
            asm.mark(loop.end)
            self._push_type(Ty("list", element.kind))
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
            self._push_type(BOOLEAN)
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

    def _emit_check_bool(self, span: Span) -> None:
        self.asm.emit(op_check_bool, None, span)

    def _finish_logic(self, end: int) -> None:
        self.asm.mark(end)
        self.types.pop(), self.types.pop()
        self._push_type(BOOLEAN)  # both operands must be true or false (checked as they are taken)

    def _finish_attribute(self, node: ExprNode) -> None:
        obj = self.types.pop()
        name = str(node.value)
        table = ATTRIBUTES.get(obj.kind)
        if table is not None:
            attribute = table.get(name)
            if attribute is None:
                raise StaticError(f"{a_kind(obj.kind)} has no attribute '{name}'", node.span,
                                  unknown_attribute_hint(name, obj.kind, table))
            self.asm.emit_getattr(attribute_arg(ENTITY_CLASSES[obj.kind], attribute), node.span)
            self._push_type(Ty(attribute.kind, attribute.elem))
        elif obj.kind == "any":
            if name not in ALL_ATTRIBUTE_NAMES:
                raise StaticError(f"no model object has an attribute '{name}'", node.span,
                                  unknown_any_attribute_hint(name))
            self.asm.emit(op_getattr_dynamic, name, node.span)
            self._push_type(ANY)
        elif obj.kind == "null":
            raise StaticError(f"cannot read attribute '{name}' of null", node.span)
        else:
            raise StaticError(f"{a_kind(obj.kind)} has no attribute '{name}'", node.span,
                              "only spheres and their members have attributes")

    def _finish_unary(self, node: ExprNode) -> None:
        operand = self.types.pop()
        if node.value == "not":
            self.asm.emit(op_not, None, node.span)
            self._push_type(BOOLEAN)
            return
        if operand.kind not in ("number", "any"):
            raise StaticError(f"cannot negate {a_kind(operand.kind)}", node.span)
        self.asm.emit(op_negate, None, node.span)
        self._push_type(NUMBER)

    def _finish_binary(self, node: ExprNode) -> None:
        right, left = self.types.pop(), self.types.pop()
        op = str(node.value)
        problem = binary_problem(op, left, right)
        if problem is None and op == "/" and self._is_literal_zero(node.children[1]):
            problem = "division by zero"
        if problem is not None:
            raise StaticError(problem, node.span)
        self.asm.emit_binary(BINARY[op], node.span)
        self._push_type(binary_result_type(op, left, right))

    def _is_literal_zero(self, index: int) -> bool:
        node = self.nodes[index]
        return node.kind == "number" and node.value == 0

    def _finish_list(self, node: ExprNode) -> None:
        n = len(node.children)
        items = self._pop_types(n)
        self.asm.emit(op_build_list, n, node.span)
        self._push_type(list_literal_type(items))

    def _finish_call(self, payload: tuple[ExprNode, bool]) -> None:
        node, scanned = payload
        name = str(node.value)
        if scanned:  # any/all over a generator: the loop already left the answer
            return
        n = len(node.children)
        args = self._pop_types(n)
        problem = call_problem(name, args)
        if problem is not None:
            raise StaticError(problem, node.span)
        self.asm.emit(op_call, (BUILTINS[name].call, n), node.span)
        self._push_type(call_result_type(name, args))
