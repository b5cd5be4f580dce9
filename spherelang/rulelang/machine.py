"""A small stack machine that runs compiled rule expressions.

A :class:`Program` is a linear list of instructions; each instruction is an
operation function and its argument. An operation takes the value stack, the
:class:`~.values.Frame`, its argument and the index of the next instruction,
and returns the index to continue at, so jumps (short-circuit ``and``/``or``,
comprehension loops) are ordinary returns. Nothing recurses, however deeply
the expression nests: the only Python stack in use is one call per step.

Steps: operations outside loops cost nothing (their number is bounded by the
size of the rule). Each loop iteration costs the size of the loop's body and
each element a built-in, ``in``, ``==`` or ``+`` walks costs one, so the
budget bounds exactly the work that grows with the model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from ..diagnostics import Span
from .errors import RuleRuntimeError
from .schema import ATTRIBUTES_BY_CLASS, Attribute
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


def op_getattr(stack: Stack, frame: Frame, arg: tuple[type, Attribute], pc: int) -> int:
    cls, attribute = arg
    obj = stack[-1]
    if type(obj) is cls:
        stack[-1] = attribute.get(frame.view, obj)
    else:
        stack[-1] = read_attribute(frame, obj, attribute.name)
    return pc


def op_load_getattr(stack: Stack, frame: Frame, arg: tuple[int, type, Attribute], pc: int) -> int:
    """``load`` then ``getattr`` in one step: ``s.layer`` is the commonest expression."""
    slot, cls, attribute = arg
    obj = frame.slots[slot]
    if type(obj) is cls:
        stack.append(attribute.get(frame.view, obj))
    else:
        stack.append(read_attribute(frame, obj, attribute.name))
    return pc


def op_getattr_dynamic(stack: Stack, frame: Frame, name: str, pc: int) -> int:
    stack[-1] = read_attribute(frame, stack[-1], name)
    return pc


# ---------------------------------------------------------------- operators


def op_binary(stack: Stack, frame: Frame, fn: Callable[[Frame, Any, Any], object], pc: int) -> int:
    right = stack.pop()
    stack[-1] = fn(frame, stack[-1], right)
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


def _ordering(compare: Callable[[Any, Any], bool]) -> Callable[[Frame, Any, Any], bool]:
    def op(frame: Frame, a: Any, b: Any) -> bool:
        ta = type(a)
        if ta is type(b) and (ta is float or ta is str):
            return compare(a, b)
        raise RuleRuntimeError(f"cannot compare {describe(a)} with {describe(b)}", _null_hint(a, b))

    return op


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


def _in(frame: Frame, a: Any, b: Any) -> bool:
    if type(b) is tuple:
        return contains(b, a, frame)
    if type(b) is str:
        if type(a) is str:
            return a in b
        raise RuleRuntimeError(f"cannot look for {describe(a)} in a string")
    raise RuleRuntimeError(f"'in' needs a list or a string on its right, got {describe(b)}", _null_hint(b))


def _not_in(frame: Frame, a: Any, b: Any) -> bool:
    return not _in(frame, a, b)


def _eq(frame: Frame, a: Any, b: Any) -> bool:
    return equal(a, b, frame)


def _ne(frame: Frame, a: Any, b: Any) -> bool:
    return not equal(a, b, frame)


#: Binary operators other than ``and``/``or`` (which compile to jumps).
BINARY: dict[str, Callable[[Frame, Any, Any], object]] = {
    "==": _eq,
    "!=": _ne,
    "<": _ordering(lambda a, b: a < b),
    "<=": _ordering(lambda a, b: a <= b),
    ">": _ordering(lambda a, b: a > b),
    ">=": _ordering(lambda a, b: a >= b),
    "in": _in,
    "not in": _not_in,
    "+": _add,
    "-": _arithmetic("subtract", lambda a, b: a - b),
    "*": _arithmetic("multiply", lambda a, b: a * b),
    "/": _arithmetic("divide", _divide),
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
