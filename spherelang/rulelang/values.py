"""Runtime values of the rule language and the operations on them.

A value is one of:

==========  =====================================================
number      a Python ``float`` (never ``int`` or ``bool``)
string      ``str``
boolean     ``bool``
null        ``None``
list        ``tuple`` (immutable, so attribute lists are shared, never copied)
entity      a model object: ``Sphere``, ``Power``, ``Responsibility``,
            ``Resource``, ``Indicator`` or ``Channel``
==========  =====================================================

Kinds are tested with ``type(v) is ...`` rather than ``isinstance`` because
``bool`` is a subclass of ``int``: ``true`` must never pass for a number.
Lists may nest as deep as the input, so equality and rendering walk them with
an explicit stack instead of recursing.
"""

from __future__ import annotations

import math
from typing import Any

from ..model import Channel, Indicator, Power, Resource, Responsibility, Sphere
from .errors import BudgetExceeded, RuleRuntimeError

#: The model classes a rule can see, by the kind name rules use for them.
ENTITY_CLASSES: dict[str, type] = {
    "sphere": Sphere,
    "power": Power,
    "responsibility": Responsibility,
    "resource": Resource,
    "indicator": Indicator,
    "channel": Channel,
}
ENTITY_KINDS: dict[type, str] = {cls: kind for kind, cls in ENTITY_CLASSES.items()}

_KIND_OF_TYPE: dict[type, str] = {
    float: "number",
    str: "string",
    bool: "boolean",
    type(None): "null",
    tuple: "list",
    **ENTITY_KINDS,
}

_ARTICLE = {
    "null": "null",
    "any": "a value",
    "indicator": "an indicator",
}


def kind_of(value: object) -> str:
    return _KIND_OF_TYPE.get(type(value), "unknown")


def a_kind(kind: str) -> str:
    """``"a number"``, ``"an indicator"``, ``"null"``: a kind for a message."""
    return _ARTICLE.get(kind, f"a {kind}")


def describe(value: object) -> str:
    return a_kind(kind_of(value))


class Frame:
    """The state one rule's evaluation shares: the model view, the variable
    slots and the steps left (counted down; below zero is RUL002)."""

    __slots__ = ("view", "slots", "steps")

    def __init__(self, view: Any, n_slots: int, budget: int) -> None:
        self.view = view
        self.slots: list[object] = [None] * max(1, n_slots)
        self.steps = budget

    def charge(self, n: int) -> None:
        self.steps -= n
        if self.steps < 0:
            raise BudgetExceeded()


def truthy(value: object) -> bool:
    """A condition's value: only ``true`` and ``false`` are conditions.

    ``null``, numbers, strings and lists in a boolean place (``require``,
    ``where``, ``and``/``or``/``not``, a comprehension's ``if``, ``any``/``all``)
    are a type mismatch (RUL001): ``null`` compares only with ``==`` and
    ``!=`` (LANGUAGE.md §6), so ``require s.capacity`` must be written
    ``require s.capacity != null``.
    """
    if value is True:
        return True
    if value is False:
        return False
    raise RuleRuntimeError(f"expected true or false, got {describe(value)}",
                           hint="compare explicitly: '!= null', '> 0', 'len(...) > 0'")


def number(value: float) -> float:
    """A number result; inf (overflow) is an error since no figure is infinite."""
    if math.isfinite(value):
        return value
    raise RuleRuntimeError("number too large")


def equal(a: object, b: object, frame: Frame) -> bool:
    """``==`` across all kinds: different kinds are unequal, entities compare
    by identity, lists element by element."""
    t = type(a)
    if t is not type(b):
        return False
    if t is tuple:
        return _equal_lists(a, b, frame)  # type: ignore[arg-type]  # both tuples: mypy does not narrow through `t`
    if t is float or t is str or t is bool:
        return a == b
    return a is b  # null is a singleton; entities by identity


def _equal_lists(a: tuple[object, ...], b: tuple[object, ...], frame: Frame) -> bool:
    """Lists may nest as deep as the input: compared with an explicit stack."""
    pending: list[tuple[object, object]] = [(a, b)]
    while pending:
        x, y = pending.pop()
        if type(x) is not tuple:
            if not equal(x, y, frame):
                return False
        elif type(y) is not tuple or len(x) != len(y):
            return False
        else:
            frame.charge(len(x))
            pending.extend(zip(x, y))
    return True


def contains(items: tuple[object, ...], value: object, frame: Frame) -> bool:
    frame.charge(len(items))
    return any(equal(item, value, frame) for item in items)


def format_number(value: float) -> str:
    """``1`` not ``1.0``; ``0.25``; very large or small numbers in exponent form."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


class _Text(str):
    """A piece of punctuation queued while rendering (as opposed to a value)."""


def render(value: object, frame: Frame) -> str:
    """A value as message text: strings as-is, numbers as :func:`format_number`,
    true/false/null, lists as ``[a, b]``, spheres as their path, members as their name."""
    out: list[str] = []
    pending: list[object] = [value]
    # `t = type(item)` once per item is the fast dispatch; mypy does not narrow
    # `item` through `t`, which is all the ignores below say
    while pending:
        item = pending.pop()
        t = type(item)
        if t is _Text or t is str:
            out.append(item)  # type: ignore[arg-type]
        elif t is float:
            out.append(format_number(item))  # type: ignore[arg-type]
        elif t is bool:
            out.append("true" if item else "false")
        elif item is None:
            out.append("null")
        elif t is tuple:
            frame.charge(len(item))  # type: ignore[arg-type]
            pending.append(_Text("]"))
            for i, element in enumerate(reversed(item)):  # type: ignore[call-overload]
                if i:
                    pending.append(_Text(", "))
                pending.append(element)
            pending.append(_Text("["))
        elif t is Sphere:
            out.append(item.path)  # type: ignore[attr-defined]
        elif t in ENTITY_KINDS:
            out.append(item.name)  # type: ignore[attr-defined]
        else:
            raise RuleRuntimeError(f"cannot render {describe(item)}")
    return "".join(out)
