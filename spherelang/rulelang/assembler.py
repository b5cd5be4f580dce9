"""Emitting the instructions of a :class:`~.machine.Program`.

Jumps are emitted to labels, resolved to instruction indexes only when the
program is finished, so that code can jump forward to a place not yet
emitted. Two common pairs of instructions are fused as they are emitted
(a load followed by an attribute read; a constant followed by a binary
operation that has a form taking the constant as its argument), but never
across a jump target, where the pair may not run together.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Span
from .machine import JUMPS, LOOPS, BinaryOp, Op, Program, op_const, op_getattr, op_load, op_load_getattr


class Assembler:
    """Emits instructions; jump targets are labels until :meth:`finish`."""

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self.args: list[Any] = []
        self.spans: list[Span] = []
        self._labels: list[int] = []
        self._targets: set[int] = set()

    def label(self) -> int:
        """A new label, to be placed later with :meth:`mark`."""
        self._labels.append(-1)
        return len(self._labels) - 1

    def mark(self, label: int) -> None:
        """Place ``label`` at the next instruction to be emitted."""
        self._labels[label] = len(self.ops)
        self._targets.add(len(self.ops))

    def emit(self, op: Op, arg: Any, span: Span) -> int:
        """Append one instruction; returns its index."""
        self.ops.append(op)
        self.args.append(arg)
        self.spans.append(span)
        return len(self.ops) - 1

    def _last_is_fusable(self, op: Op) -> bool:
        """The last instruction is ``op`` and nothing jumps to it or past it,
        so it can be fused with the next one."""
        n = len(self.ops)
        return n > 0 and self.ops[-1] is op and n not in self._targets and n - 1 not in self._targets

    def emit_getattr(self, arg: tuple[type, Any, str], span: Span) -> None:
        """Read an attribute of the value on top of the stack."""
        if self._last_is_fusable(op_load):  # ``s.layer``: one instruction instead of two
            self.ops[-1] = op_load_getattr
            self.args[-1] = (self.args[-1], *arg)
            self.spans[-1] = span
        else:
            self.emit(op_getattr, arg, span)

    def emit_binary(self, binary: BinaryOp, span: Span) -> None:
        """Apply a binary operation to the two values on top of the stack."""
        if binary.const_op is not None and self._last_is_fusable(op_const):
            self.ops[-1] = binary.const_op  # ``x >= 2``: the constant becomes the argument
            self.spans[-1] = span
        else:
            self.emit(binary.op, binary.arg, span)

    def finish(self) -> Program:
        """The program, with every label replaced by the index it marks."""
        args = list(self.args)
        for i, op in enumerate(self.ops):
            if op in JUMPS:
                args[i] = self._labels[args[i]]
            elif op in LOOPS:
                slot, label, cost = args[i]
                args[i] = (slot, self._labels[label], cost)
        return Program(tuple(self.ops), tuple(args), tuple(self.spans))
