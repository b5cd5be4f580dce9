"""A small stack machine that runs compiled rule expressions.

A :class:`Program` is a linear list of instructions; each instruction is an
operation function and its argument. An operation takes the value stack, the
:class:`~.values.Frame`, its argument and the index of the next instruction,
and returns the index to continue at, so jumps (short-circuit ``and``/``or``,
comprehension loops) are ordinary returns. Nothing recurses, however deeply
the expression nests: the only Python stack in use is one call per step.

Steps (the RUL002 budget, shared by all subjects of a rule): an operation
outside any loop costs nothing, since their number is bounded by the size of
the rule. A loop iteration costs the instructions of its body, less those of
inner loops (which charge per iteration of their own), and each element that a
built-in, ``in``, ``==``, ``+`` or message rendering walks costs one. So the
budget bounds exactly the work that grows faster than the model: a rule that
looks at each subject once never runs out, one that pairs every sphere with
every other does, quickly.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import attrs

from ..diagnostics import Span
from .errors import RuleRuntimeError
from .schema import ATTRIBUTES_BY_CLASS, Attribute, Getter
from .values import Frame, contains, describe, equal, number, truthy

Stack = list[Any]
Op = Callable[[Stack, Frame, Any, int], int]


@attrs.frozen(eq=False)
class Program:
    """Compiled code for one expression: ``ops[i](stack, frame, args[i], i + 1)``."""

    ops: tuple[Op, ...]
    args: tuple[Any, ...]
    spans: tuple[Span, ...]   # the expression node each instruction comes from

    def __len__(self) -> int:
        return len(self.ops)


def run(program: Program, frame: Frame) -> object:
    """Evaluate ``program``; a :class:`RuleRuntimeError` gets the failing node's span."""
    ops, args = program.ops, program.args
    stack: Stack = []
    pc = 0
    end = len(ops)
    try:
        while pc < end:
            pc = ops[pc](stack, frame, args[pc], pc + 1)
    except RuleRuntimeError as exc:
        exc.span = program.spans[pc]  # pc was not advanced past the failing operation
        raise
    return stack[-1]


# ---------------------------------------------------------------- loading values


def op_const(stack: Stack, frame: Frame, value: object, pc: int) -> int:
    stack.append(value)
    return pc


def op_load(stack: Stack, frame: Frame, slot: int, pc: int) -> int:
    stack.append(frame.slots[slot])
    return pc


def op_collection(stack: Stack, frame: Frame, name: str, pc: int) -> int:
    stack.append(frame.view.collections[name])
    return pc


# ---------------------------------------------------------------- attributes


def attribute_error(obj: object, name: str) -> RuleRuntimeError:
    if obj is None:
        return RuleRuntimeError(f"cannot read attribute '{name}' of null",
                                f"guard it, as in 'x != null and x.{name} ...'")
    return RuleRuntimeError(f"{describe(obj)} has no attribute '{name}'")


def read_attribute(frame: Frame, obj: object, name: str) -> object:
    """An attribute of a value whose kind is known only now: looked up in the table."""
    table = ATTRIBUTES_BY_CLASS.get(type(obj))
    attribute = None if table is None else table.get(name)
    if attribute is None:
        raise attribute_error(obj, name)
    return attribute.get(frame.view, obj)


def attribute_arg(cls: type, attribute: Attribute) -> tuple[type, Getter, str]:
    """The argument of :func:`op_getattr`: the class the compiler expects, the
    table's getter and the name (for errors and for any other class)."""
    return (cls, attribute.get, attribute.name)


def op_getattr(stack: Stack, frame: Frame, arg: tuple[type, Getter, str], pc: int) -> int:
    cls, get, name = arg
    obj = stack[-1]
    stack[-1] = get(frame.view, obj) if type(obj) is cls else read_attribute(frame, obj, name)
    return pc


def op_load_getattr(stack: Stack, frame: Frame, arg: tuple[int, type, Getter, str], pc: int) -> int:
    """``load`` then ``getattr`` in one step: ``s.layer`` is the commonest expression."""
    slot, cls, get, name = arg
    obj = frame.slots[slot]
    stack.append(get(frame.view, obj) if type(obj) is cls else read_attribute(frame, obj, name))
    return pc


def op_getattr_dynamic(stack: Stack, frame: Frame, name: str, pc: int) -> int:
    stack[-1] = read_attribute(frame, stack[-1], name)
    return pc


# ---------------------------------------------------------------- operators


def op_binary(stack: Stack, frame: Frame, fn: Callable[[Frame, Any, Any], object], pc: int) -> int:
    right = stack.pop()
    stack[-1] = fn(frame, stack[-1], right)
    return pc


def op_check_bool(stack: Stack, frame: Frame, arg: None, pc: int) -> int:
    """The right operand of ``and``/``or`` must be a condition too."""
    truthy(stack[-1])
    return pc


def op_not(stack: Stack, frame: Frame, arg: None, pc: int) -> int:
    stack[-1] = not truthy(stack[-1])
    return pc


def op_negate(stack: Stack, frame: Frame, arg: None, pc: int) -> int:
    value = stack[-1]
    if type(value) is not float:
        raise RuleRuntimeError(f"cannot negate {describe(value)}", _null_hint(value))
    stack[-1] = -value
    return pc


def _null_hint(*values: object) -> str | None:
    if any(v is None for v in values):
        return "a figure may be null: guard it, as in 'x != null and ...'"
    return None


def op_eq(stack: Stack, frame: Frame, arg: None, pc: int) -> int:
    right = stack.pop()
    stack[-1] = equal(stack[-1], right, frame)
    return pc


def op_ne(stack: Stack, frame: Frame, arg: None, pc: int) -> int:
    right = stack.pop()
    stack[-1] = not equal(stack[-1], right, frame)
    return pc


def op_eq_const(stack: Stack, frame: Frame, const: object, pc: int) -> int:
    """``x == CONSTANT`` for a number, string, boolean or null constant."""
    value = stack[-1]
    stack[-1] = value is const if const is None else (type(value) is type(const) and value == const)
    return pc


def op_ne_const(stack: Stack, frame: Frame, const: object, pc: int) -> int:
    value = stack[-1]
    stack[-1] = value is not const if const is None else not (type(value) is type(const) and value == const)
    return pc


def _ordering(compare: Callable[[Any, Any], bool]) -> tuple[Op, Op]:
    """The operation for an ordering operator, and its variant with a constant right operand."""

    def order(a: Any, b: Any) -> bool:
        ta = type(a)
        if ta is type(b) and (ta is float or ta is str):
            return compare(a, b)
        raise RuleRuntimeError(f"cannot compare {describe(a)} with {describe(b)}", _null_hint(a, b))

    def op(stack: Stack, frame: Frame, arg: None, pc: int) -> int:
        right = stack.pop()
        stack[-1] = order(stack[-1], right)
        return pc

    def op_const(stack: Stack, frame: Frame, const: object, pc: int) -> int:
        stack[-1] = order(stack[-1], const)
        return pc

    return op, op_const


def _add(frame: Frame, a: Any, b: Any) -> object:
    ta = type(a)
    if ta is type(b):
        if ta is float:
            return number(a + b)
        if ta is str:
            frame.charge((len(a) + len(b)) >> 6)  # copying long strings is work too
            return a + b
        if ta is tuple:
            frame.charge(len(a) + len(b))
            return a + b
    raise RuleRuntimeError(f"cannot add {describe(a)} and {describe(b)}", _null_hint(a, b))


def _arithmetic(verb: str, compute: Callable[[float, float], float]) -> Callable[[Frame, Any, Any], object]:
    def op(frame: Frame, a: Any, b: Any) -> object:
        if type(a) is float and type(b) is float:
            return number(compute(a, b))
        raise RuleRuntimeError(f"cannot {verb} {describe(a)} and {describe(b)}", _null_hint(a, b))

    return op


def _divide(a: float, b: float) -> float:
    if b == 0.0:
        raise RuleRuntimeError("division by zero")
    return a / b


def _membership(op: str) -> Callable[[Frame, Any, Any], bool]:
    """``in`` (or, negated, ``not in``): list membership or substring."""
    negate = op == "not in"

    def member(frame: Frame, a: Any, b: Any) -> bool:
        if type(b) is tuple:
            return contains(b, a, frame) is not negate
        if type(b) is str:
            if type(a) is str:
                return (a in b) is not negate
            raise RuleRuntimeError(f"cannot look for {describe(a)} in a string", _null_hint(a))
        raise RuleRuntimeError(f"'{op}' needs a list or a string on its right, got {describe(b)}", _null_hint(b))

    return member


@attrs.frozen
class BinaryOp:
    """How an operator compiles: ``op`` takes both operands from the stack;
    ``const_op``, when set, takes a constant right operand as its argument."""

    op: Op
    arg: Any = None
    const_op: Op | None = None


def _binary(fn: Callable[[Frame, Any, Any], object]) -> BinaryOp:
    return BinaryOp(op_binary, fn)


def _ordered(compare: Callable[[Any, Any], bool]) -> BinaryOp:
    op, const_op = _ordering(compare)
    return BinaryOp(op, None, const_op)


#: Binary operators other than ``and``/``or`` (which compile to jumps).
BINARY: dict[str, BinaryOp] = {
    "==": BinaryOp(op_eq, None, op_eq_const),
    "!=": BinaryOp(op_ne, None, op_ne_const),
    "<": _ordered(operator.lt),
    "<=": _ordered(operator.le),
    ">": _ordered(operator.gt),
    ">=": _ordered(operator.ge),
    "in": _binary(_membership("in")),
    "not in": _binary(_membership("not in")),
    "+": _binary(_add),
    "-": _binary(_arithmetic("subtract", operator.sub)),
    "*": _binary(_arithmetic("multiply", operator.mul)),
    "/": _binary(_arithmetic("divide", _divide)),
}


# ---------------------------------------------------------------- control flow


def op_jump(stack: Stack, frame: Frame, target: int, pc: int) -> int:
    return target


def op_jump_if_false_or_pop(stack: Stack, frame: Frame, target: int, pc: int) -> int:
    """``and``: a false left operand is the result; otherwise evaluate the right one."""
    if truthy(stack[-1]):
        stack.pop()
        return pc
    return target


def op_jump_if_true_or_pop(stack: Stack, frame: Frame, target: int, pc: int) -> int:
    """``or``: a true left operand is the result; otherwise evaluate the right one."""
    if truthy(stack[-1]):
        return target
    stack.pop()
    return pc


def op_pop_jump_if_false(stack: Stack, frame: Frame, target: int, pc: int) -> int:
    return pc if truthy(stack.pop()) else target


def op_pop_jump_if_true(stack: Stack, frame: Frame, target: int, pc: int) -> int:
    return target if truthy(stack.pop()) else pc


def op_pop(stack: Stack, frame: Frame, arg: None, pc: int) -> int:
    stack.pop()
    return pc


# ---------------------------------------------------------------- lists, calls, loops


def op_build_list(stack: Stack, frame: Frame, n: int, pc: int) -> int:
    if n:
        items = tuple(stack[-n:])
        del stack[-n:]
        stack.append(items)
    else:
        stack.append(())
    return pc


def op_call(stack: Stack, frame: Frame, arg: tuple[Callable[[Frame, tuple[Any, ...]], object], int],
            pc: int) -> int:
    fn, n = arg
    args = tuple(stack[-n:])
    del stack[-n:]
    stack.append(fn(frame, args))
    return pc


def op_iter(stack: Stack, frame: Frame, collect: bool, pc: int) -> int:
    """Start a loop: replace the list with an iterator (and an empty result list
    below it when the loop builds a list)."""
    items = stack.pop()
    if type(items) is not tuple:
        raise RuleRuntimeError(f"cannot loop over {describe(items)}", _null_hint(items))
    if collect:
        stack.append([])
    stack.append(iter(items))
    return pc


_DONE = object()


def op_for_collect(stack: Stack, frame: Frame, arg: tuple[int, int, int], pc: int) -> int:
    """Next element into the loop variable, or, when done, leave the result list."""
    slot, end, cost = arg
    item = next(stack[-1], _DONE)
    if item is _DONE:
        stack.pop()
        stack[-1] = tuple(stack[-1])
        return end
    frame.charge(cost)
    frame.slots[slot] = item
    return pc


def op_for_scan(stack: Stack, frame: Frame, arg: tuple[int, int, int], pc: int) -> int:
    """Next element into the loop variable, or, when done, drop the iterator."""
    slot, end, cost = arg
    item = next(stack[-1], _DONE)
    if item is _DONE:
        stack.pop()
        return end
    frame.charge(cost)
    frame.slots[slot] = item
    return pc


def op_append(stack: Stack, frame: Frame, arg: None, pc: int) -> int:
    item = stack.pop()
    stack[-2].append(item)  # below the iterator: the result list
    return pc


#: Operations whose argument is a jump target (an int), for the assembler.
JUMPS = frozenset({op_jump, op_jump_if_false_or_pop, op_jump_if_true_or_pop,
                   op_pop_jump_if_false, op_pop_jump_if_true})
#: Loop heads, whose argument is (slot, target, cost).
LOOPS = frozenset({op_for_collect, op_for_scan})
